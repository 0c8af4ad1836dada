import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { sendProblem } from './problem';

export const SCOPES = { scheduleRead: 'workflow.schedule:read', scheduleWrite: 'workflow.schedule:write' } as const;

export interface Principal {
  /** Who is calling: the API key's name or the token's subject; rate limits count per principal. */
  id: string;
  scopes: Set<string>;
}

export interface AuthConfig {
  /** `name=key:scope scope,...` from GATEWAY_API_KEYS. */
  apiKeys: { name: string; key: string; scopes: string[] }[];
  /** HS256 secret for JWTs; JWTs are refused without one. */
  jwtSecret?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
}

/** Parses GATEWAY_API_KEYS: `ci=s3cr3t:workflow.schedule:read workflow.schedule:write,ops=...`. */
export function parseApiKeys(text: string | undefined): AuthConfig['apiKeys'] {
  if (!text) return [];
  return text.split(',').map((entry, i) => {
    const m = /^\s*([\w.-]+)=([^:\s]+):(.*)$/.exec(entry);
    if (!m) throw new Error(`GATEWAY_API_KEYS: entry ${i + 1} is not name=key:scopes`);
    return { name: m[1] as string, key: m[2] as string, scopes: (m[3] as string).trim().split(/\s+/).filter(Boolean) };
  });
}

function unauthorized(res: Response, detail: string): void {
  res.setHeader('WWW-Authenticate', 'Bearer realm="fleet"');
  sendProblem(res, 401, 'Unauthorized', detail);
}

/** Bearer authentication: a static API key or a JWT (HS256) carrying `scope` (space-separated) or `scp`. */
export function authenticate(config: AuthConfig): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return unauthorized(res, 'a bearer token is required');
    const key = config.apiKeys.find((k) => k.key === token);
    if (key) {
      res.locals.principal = { id: `key:${key.name}`, scopes: new Set(key.scopes) } satisfies Principal;
      return next();
    }
    if (!config.jwtSecret) return unauthorized(res, 'the token is not a known API key');
    try {
      const claims = jwt.verify(token, config.jwtSecret, { algorithms: ['HS256'], issuer: config.jwtIssuer, audience: config.jwtAudience }) as jwt.JwtPayload;
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : Array.isArray(claims.scp) ? (claims.scp as string[]) : [];
      res.locals.principal = { id: `sub:${claims.sub ?? 'unknown'}`, scopes: new Set(scopes) } satisfies Principal;
      next();
    } catch (err) {
      unauthorized(res, `the token is not valid: ${(err as Error).message}`);
    }
  };
}

/** 403 when the authenticated caller lacks the scope. */
export function requireScope(scope: string): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (principal?.scopes.has(scope)) return next();
    sendProblem(res, 403, 'Forbidden', `this needs the scope ${scope}`);
  };
}
