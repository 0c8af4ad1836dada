/**
 * The ad and social platforms simulator (apps/channels-sim) for a test file of its own, started as
 * its own process as `npm start` runs it, on a free port of 127.0.0.1, its log under the test run's
 * folder; with its admin API (what was created, per-account statistics, quotas, faults, reset).
 * The types are the simulator's admin answers (see apps/channels-sim/src), restated so that tools
 * do not import an app.
 */
import path from 'node:path';
import { appNodeArgs, spawnManaged } from '../managed-process';
import { repoRoot } from '../paths';
import { freePort, waitForPort } from '../ports';
import { testEnv } from './env';

export type ChannelsSimChannel = 'google-ads' | 'meta' | 'linkedin';

/** An object a caller created, as GET /admin/objects lists it (removed ones included). */
export interface ChannelsSimObject {
  id: string;
  channel: ChannelsSimChannel;
  account: string;
  externalReference: string;
  name: string;
  fields: Record<string, unknown>;
  review: 'PENDING_REVIEW' | 'ACTIVE' | 'DISAPPROVED';
  state: 'PENDING_REVIEW' | 'ACTIVE' | 'DISAPPROVED' | 'REMOVED';
  reviewFeedback?: { policy: string; message: string };
  /** 0 for the first object with its reference; n for the n-th duplicate. */
  duplicateIndex: number;
  createdAt: string;
  reviewedAt?: string;
  removedAt?: string;
}

export interface ChannelsSimAccountStats {
  calls: number;
  creates: number;
  duplicates: number;
  removes: number;
  throttled: number;
  faults: number;
  validateOnly: number;
}

export interface ChannelsSimStats {
  channels: Partial<Record<ChannelsSimChannel, Record<string, ChannelsSimAccountStats>>>;
  totals: ChannelsSimAccountStats;
  objects: { all: number; live: number; pendingReview: number; active: number; disapproved: number };
}

/** See apps/channels-sim/src/faults.ts: each call adds one; `count` or `rate` bound it. */
export interface ChannelsSimFault {
  kind: 'error500' | 'timeout' | 'lostResponse' | 'throttle' | 'disapprove';
  channel?: ChannelsSimChannel;
  account?: string;
  operation?: 'create' | 'remove' | 'read';
  rate?: number;
  count?: number;
  delayMs?: number;
}

export interface ChannelsSimQuota {
  ratePerSecond: number;
  burst?: number;
}

export interface TestChannelsSimOptions {
  seed?: number;
  reviewMinMs?: number;
  reviewMaxMs?: number;
  disapprovalRate?: number;
  quotas?: Partial<Record<ChannelsSimChannel, ChannelsSimQuota>>;
  /** More site domains, besides the defaults. */
  sites?: string[];
}

export interface TestChannelsSim {
  url: string;
  objects(filter?: { channel?: ChannelsSimChannel; account?: string; externalReference?: string }): Promise<ChannelsSimObject[]>;
  stats(): Promise<ChannelsSimStats>;
  addFault(fault: ChannelsSimFault): Promise<void>;
  clearFaults(): Promise<void>;
  setQuota(channel: ChannelsSimChannel, quota: ChannelsSimQuota, account?: string): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** apps/channels-sim as its own process on a free port (quick reviews unless told otherwise), and its admin API. */
export async function startTestChannelsSim(name: string, options: TestChannelsSimOptions = {}): Promise<TestChannelsSim> {
  const port = await freePort();
  const dir = path.join(testEnv('dir'), `channels-sim-${name}-${process.pid}`);
  const env: Record<string, string> = {
    CHANNELS_SIM_PORT: String(port),
    CHANNELS_SIM_HOST: '127.0.0.1',
    CHANNELS_SIM_SEED: String(options.seed ?? 1),
    CHANNELS_SIM_REVIEW_MIN_MS: String(options.reviewMinMs ?? 20),
    CHANNELS_SIM_REVIEW_MAX_MS: String(options.reviewMaxMs ?? 100),
    CHANNELS_SIM_DISAPPROVAL_RATE: String(options.disapprovalRate ?? 0),
    LOG_LEVEL: 'warn',
  };
  if (options.quotas) env.CHANNELS_SIM_QUOTAS = JSON.stringify(options.quotas);
  if (options.sites) env.CHANNELS_SIM_SITES = options.sites.join(',');
  const process_ = spawnManaged({
    name: 'channels-sim',
    command: process.execPath,
    args: [...appNodeArgs(), path.join(repoRoot, 'apps', 'channels-sim', 'src', 'main.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...env },
    logFile: path.join(dir, 'channels-sim.log'),
  });
  try {
    await waitForPort(port, 60_000);
  } catch (err) {
    await process_.stop();
    throw new Error(`channels-sim did not listen on ${port}; see ${path.join(dir, 'channels-sim.log')}`, { cause: err });
  }
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${url}${route}`, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`channels-sim ${method} ${route}: ${res.status} ${await res.text()}`);
    return res;
  };
  return {
    url,
    objects: async (filter = {}) => {
      const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return (await (await call('GET', `/admin/objects?${query}`)).json()) as ChannelsSimObject[];
    },
    stats: async () => (await (await call('GET', '/admin/stats')).json()) as ChannelsSimStats,
    addFault: async (fault) => void (await call('POST', '/admin/faults', fault)),
    clearFaults: async () => void (await call('DELETE', '/admin/faults')),
    setQuota: async (channel, quota, account) => void (await call('POST', '/admin/quotas', { channel, ...quota, ...(account ? { account } : {}) })),
    reset: async () => void (await call('POST', '/admin/reset')),
    stop: () => process_.stop(),
  };
}
