import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { sendProblem } from './problem';

export interface Principal {
  /** Who is calling: `key:<name>` or `sub:<subject>`; the rate limit counts per principal. */
  id: string;
  scopes: ReadonlySet<string>;
}

export interface ApiKey {
  name: string;
  key: string;
  scopes: string[];
}

export interface AuthConfig {
  /** `name=key:scope scope,...` from GATEWAY_API_KEYS. */
  apiKeys: ApiKey[];
  /** HS256 secret of the JWTs accepted; no JWT is accepted without one. */
  jwtSecret?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
}

/** Parses GATEWAY_API_KEYS: `ci=s3cr3t:workflow.schedule:read workflow.schedule:write,ops=...`. */
export function parseApiKeys(text: string | undefined): ApiKey[] {
  if (!text) return [];
  return text.split(',').map((entry, i) => {
    const m = /^\s*([\w.-]+)=([^:\s]+):(.*)$/.exec(entry);
    if (!m) throw new Error(`GATEWAY_API_KEYS: entry ${i + 1} is not name=key:scopes`);
    return { name: m[1] as string, key: m[2] as string, scopes: (m[3] as string).trim().split(/\s+/).filter(Boolean) };
  });
}

/** The caller, once {@link identify} has recognised its token. */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Recognises the bearer token (a static API key, or an HS256 JWT carrying `scope` or `scp` and an
 * `exp`) and records the principal, or why the token was refused; answers nothing itself, so the
 * rate limit that follows counts failed attempts too (per client address), before
 * {@link rejectAnonymous} answers 401.
 */
export function identify(config: AuthConfig): RequestHandler {
  // Keys are compared by digest in constant time: how long a comparison takes says nothing of a key.
  const keys = config.apiKeys.map((k) => ({ ...k, digest: digest(k.key) }));
  return (req, res, next) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      res.locals.authFailure = 'a bearer token is required';
      return next();
    }
    const presented = digest(token);
    const key = keys.find((k) => timingSafeEqual(k.digest, presented));
    if (key) {
      res.locals.principal = { id: `key:${key.name}`, scopes: new Set(key.scopes) } satisfies Principal;
      return next();
    }
    if (!config.jwtSecret) {
      res.locals.authFailure = 'the token is not a known API key';
      return next();
    }
    try {
      const claims = jwt.verify(token, config.jwtSecret, { algorithms: ['HS256'], issuer: config.jwtIssuer, audience: config.jwtAudience });
      if (typeof claims !== 'object') throw new Error('the token has no claims');
      // A token without an expiry would be good forever: refused.
      if (typeof claims.exp !== 'number') throw new Error('the token has no expiry (exp)');
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : Array.isArray(claims.scp) ? claims.scp.map(String) : [];
      res.locals.principal = { id: `sub:${claims.sub ?? 'unknown'}`, scopes: new Set(scopes) } satisfies Principal;
    } catch (err) {
      // jsonwebtoken's messages ("jwt expired", "invalid signature", ...) name the token's fault only.
      res.locals.authFailure = `the token is not valid: ${(err as Error).message}`;
    }
    next();
  };
}

/** 401 (with `WWW-Authenticate`) unless {@link identify} recognised the caller. */
export function rejectAnonymous(): RequestHandler {
  return (_req, res, next) => {
    if (principalOf(res)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="fleet"');
    sendProblem(res, 401, 'Unauthorized', String(res.locals.authFailure ?? 'a bearer token is required'));
  };
}

/** {@link identify} then {@link rejectAnonymous}: authentication with no rate limit between. */
export function authenticate(config: AuthConfig): RequestHandler[] {
  return [identify(config), rejectAnonymous()];
}

/** 403 when the authenticated caller lacks the scope. */
export function requireScope(scope: string): RequestHandler {
  return (_req, res, next) => {
    if (principalOf(res)?.scopes.has(scope)) return next();
    sendProblem(res, 403, 'Forbidden', `this needs the scope ${scope}`);
  };
}
