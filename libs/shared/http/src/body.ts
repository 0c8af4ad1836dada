import express, { type RequestHandler } from 'express';
import { sendProblem } from './problem';

/** The largest body accepted. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/;

/** The media type and charset of a Content-Type header (lower-cased), or undefined when it does not parse. */
export function parseContentType(header: string): { type: string; charset?: string } | undefined {
  const [type, ...params] = header.split(';').map((part) => part.trim());
  if (!type || !/^[\w.+-]+\/[\w.+-]+$/.test(type)) return undefined;
  let charset: string | undefined;
  for (const param of params) {
    if (!param) continue;
    const m = /^([\w.+-]+)\s*=\s*(?:"([^"]*)"|([^\s"]*))$/.exec(param);
    if (!m) return undefined;
    if ((m[1] as string).toLowerCase() === 'charset') charset = (m[2] ?? m[3] ?? '').toLowerCase();
  }
  return { type: type.toLowerCase(), ...(charset === undefined ? {} : { charset }) };
}

/** Whether the request carries a body (as body-parser decides: a length other than 0, or chunks). */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

/**
 * JSON request bodies, checked before they are read: a Content-Encoding other than identity, a
 * body that is not JSON (by its Content-Type) or a charset other than UTF-8 is a 415; then
 * express.json reads at most 64 KB (413 past it) and a body that is not valid JSON is a 400 (the
 * pipeline's error handler writes those, never echoing body-parser's own messages).
 */
export function jsonBodies(): RequestHandler[] {
  const accept: RequestHandler = (req, res, next) => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return sendProblem(res, 415, 'Unsupported content encoding', 'bodies are accepted without a content encoding (identity) only');
    }
    if (!hasBody(req.headers)) return next();
    const contentType = parseContentType(req.headers['content-type'] ?? '');
    if (!contentType || !JSON_MEDIA.test(contentType.type)) {
      return sendProblem(res, 415, 'Unsupported media type', 'bodies are application/json');
    }
    if (contentType.charset !== undefined && contentType.charset !== 'utf-8' && contentType.charset !== 'utf8') {
      return sendProblem(res, 415, 'Unsupported media type', 'bodies are UTF-8 (charset=utf-8 or none)');
    }
    next();
  };
  return [accept, express.json({ limit: BODY_LIMIT_BYTES, inflate: false, strict: true, type: (req) => JSON_MEDIA.test(parseContentType(String(req.headers['content-type'] ?? ''))?.type ?? '') })];
}
