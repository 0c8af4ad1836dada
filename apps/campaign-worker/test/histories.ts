import type { Client } from '@temporalio/client';
import { recordHistory as record } from '@fleet/tools-infra/testing';
import path from 'node:path';

/** Committed histories of real runs; the replay test runs today's workflow code over them. */
export const HISTORIES_DIR = path.join(__dirname, 'histories');

/** Saves a finished workflow's history here when FLEET_RECORD_HISTORIES=1. */
export const recordHistory = (client: Client, workflowId: string, name: string, runId?: string) => record(client, HISTORIES_DIR, workflowId, name, runId);
