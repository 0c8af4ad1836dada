import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStatus, KEY_TYPES, type DictKeyType } from '@fleet/vsync-dict-bridge';
import type { Logger } from '@fleet/shared-observability';
import { z } from 'zod';
import type { FaultState } from './faults';
import type { CidFiles } from './files';
import type { DictBridgeSim } from './sim';
import type { SimStats } from './stats';

const keyType = z.enum(KEY_TYPES);
const count = z.number().int().min(0);
const entryLine = z.strictObject({
  keyType,
  key: z.string().min(1),
  ownerTaxIdNumber: z.string(),
  ownerName: z.string(),
  ownerTradeName: z.string(),
  participant: z.string(),
  branch: z.string(),
  accountNumber: z.string(),
  accountType: z.string(),
  requestId: z.string(),
});
const syntheticLine = z.strictObject({
  synthetic: z.strictObject({ keyType, from: count.default(0), count, variant: count.default(0) }),
});
const injectBody = z.strictObject({ keyType, missingLocally: count.optional(), missingInDict: count.optional(), attributeDrift: count.optional(), logEvents: z.boolean().optional() });
const ENTRY_BATCH = 5000;

export interface HttpDeps {
  sim: DictBridgeSim;
  files: CidFiles;
  faults: FaultState;
  stats: () => SimStats;
  logger: Logger;
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The sim's HTTP side: CID file downloads (the URL getCidSetFile gives) and an admin API for when
 * the sim runs as its own process (stats, VSyncs, faults, injections, seeding).
 */
export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      const code = err instanceof HttpError ? err.statusCode : 400;
      if (res.headersSent) return void res.destroy();
      sendJson(res, code, { error: err instanceof Error ? err.message : String(err) });
    });
  };
}

async function route(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const [a, b, c, ...rest] = url.pathname.split('/').filter(Boolean);
  const method = req.method ?? 'GET';
  const { sim } = deps;
  if (a === 'cids' && b === 'files' && c && rest.length === 0 && (method === 'GET' || method === 'HEAD')) return download(deps, c, req, res);
  if (a !== 'admin') throw new HttpError(404, `no route ${method} ${url.pathname}`);
  const route = `${method} /${[b, c].filter(Boolean).join('/')}`;
  switch (route) {
    case 'GET /health':
      return sendJson(res, 200, { participant: sim.participant, grpcAddress: sim.grpcAddress, httpUrl: sim.httpUrl, persistence: sim.persistence() ?? null });
    case 'GET /stats':
      return sendJson(res, 200, sim.stats());
    case 'POST /stats/reset':
      sim.resetStats();
      return sendJson(res, 200, sim.stats());
    case 'GET /faults':
      return sendJson(res, 200, sim.faults());
    case 'POST /faults':
      return sendJson(res, 200, sim.setFaults((await readJson(req)) as never));
    case 'DELETE /faults':
      sim.clearFaults();
      return sendJson(res, 200, sim.faults());
    case 'POST /inject':
      return sendJson(res, 200, sim.inject(injectBody.parse(await readJson(req))));
    case 'POST /entries':
      return sendJson(res, 200, await addEntries(sim, req, url.searchParams.get('logEvents') === 'true'));
  }
  if (method === 'GET' && (b === 'vsync' || b === 'cids') && c && rest.length === 0) {
    const kt = keyType.parse(c);
    if (b === 'vsync') return sendJson(res, 200, { keyType: kt, vsync: sim.vsync(kt), entries: sim.entryCount(kt) });
    return streamCids(sim, kt, res);
  }
  throw new HttpError(404, `no route ${method} ${url.pathname}`);
}

async function download(deps: HttpDeps, idText: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const file = /^\d{1,19}$/.test(idText) ? deps.files.get(BigInt(idText)) : undefined;
  if (file?.status === FileStatus.UNAVAILABLE) {
    deps.stats().downloads.notFound++;
    throw new HttpError(410, `CID file ${idText} is no longer available`);
  }
  if (!file || file.status !== FileStatus.AVAILABLE || !file.path) {
    deps.stats().downloads.notFound++;
    throw new HttpError(404, `no CID file ${idText} to download`);
  }
  const bytes = Number(file.bytes);
  const headers = { 'Content-Type': 'text/plain; charset=us-ascii', 'Content-Length': String(bytes) };
  if (req.method === 'HEAD') return void res.writeHead(200, headers).end();
  // One-shot faults: altered bytes of the same length (only a SHA-256 check sees it), or a body cut short.
  if (deps.faults.takeCorruptDownload()) {
    deps.stats().downloads.corrupted++;
    // An empty file has no byte to alter: it is served as one newline instead.
    if (bytes === 0) return void res.writeHead(200, { ...headers, 'Content-Length': '1' }).end('\n');
    res.writeHead(200, headers);
    return pipeline(createReadStream(file.path), corruptFirstByte(), res);
  }
  res.writeHead(200, headers);
  if (deps.faults.takeTruncateDownload() && bytes > 1) {
    deps.stats().downloads.truncated++;
    const partial = createReadStream(file.path, { end: Math.floor(bytes / 2) - 1 });
    partial.pipe(res, { end: false });
    partial.on('end', () => res.destroy());
    return;
  }
  deps.stats().downloads.served++;
  return pipeline(createReadStream(file.path), res);
}

function corruptFirstByte(): Transform {
  let done = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!done && chunk.length > 0) {
        chunk[0] = chunk[0] === 0x30 ? 0x31 : 0x30; // '0' ↔ '1', or anything else → '0'
        done = true;
      }
      cb(null, chunk);
    },
  });
}

async function streamCids(sim: DictBridgeSim, kt: DictKeyType, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=us-ascii' });
  let buffer: string[] = [];
  for (const cid of sim.cids(kt)) {
    buffer.push(cid);
    if (buffer.length >= 8192) {
      if (!res.write(buffer.join('\n') + '\n')) await new Promise((r) => res.once('drain', r));
      buffer = [];
    }
  }
  res.end(buffer.length > 0 ? buffer.join('\n') + '\n' : undefined);
}

/** NDJSON: SyntheticEntry lines, or `{"synthetic":{"keyType","from","count","variant"}}` lines seeded by the generator. */
async function addEntries(sim: DictBridgeSim, req: IncomingMessage, logEvents: boolean): Promise<{ added: number }> {
  let added = 0;
  let batch: z.infer<typeof entryLine>[] = [];
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input: req, crlfDelay: Infinity })) {
      lineNumber++;
      if (line.trim() === '') continue;
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && 'synthetic' in value) {
        const { synthetic } = syntheticLine.parse(value);
        added += sim.addEntries(batch, { logEvents });
        batch = [];
        added += await sim.seedSynthetic(synthetic.keyType, synthetic.count, { from: synthetic.from, variant: synthetic.variant, logEvents });
        continue;
      }
      batch.push(entryLine.parse(value));
      if (batch.length >= ENTRY_BATCH) {
        added += sim.addEntries(batch, { logEvents });
        batch = [];
        await new Promise((r) => setImmediate(r));
      }
    }
    added += sim.addEntries(batch, { logEvents });
  } catch (err) {
    throw new HttpError(400, `line ${lineNumber}: ${err instanceof Error ? err.message : String(err)} (${added} entries added before it)`);
  }
  return { added };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new HttpError(413, 'body larger than 1 MiB');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(statusCode, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
