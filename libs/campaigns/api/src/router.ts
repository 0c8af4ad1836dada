import { Router } from 'express';
import type { DomainApiContext } from '@fleet/shared-http';

/** The campaigns API (its routes come with the campaign and audit workflows). */
export function campaignsRouter(_ctx: DomainApiContext): Router {
  return Router();
}
