import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { toolsCacheDir } from './paths';
import { freePort } from './ports';

/** The one place the Pulsar version is pinned: the official server distribution, from Maven Central. */
export const PULSAR_VERSION = '4.0.8';
const DISTRIBUTION = `org.apache.pulsar:pulsar-server-distribution:${PULSAR_VERSION}:tar.gz:bin`;
/** The cluster name the local standalone broker runs as. */
export const PULSAR_CLUSTER = 'fleet-local';

export interface PulsarServer {
  /** The WebSocket service, e.g. ws://127.0.0.1:8080 */
  wsUrl: string;
  /** The admin REST API, e.g. http://127.0.0.1:8080 */
  adminUrl: string;
  serviceUrl: string;
  cluster: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export class PulsarUnavailableError extends Error {}

/** Whether a Java 17+ runtime is on PATH: without one the system runs without a broker. */
export function javaAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8', env });
  const m = /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  return out.status === 0 && Number(m?.[1]) >= 17;
}

/**
 * The Pulsar installation: `PULSAR_HOME` first, else the pinned distribution unpacked once into
 * the tools cache, fetched with Maven (`dependency:get`) when absent.
 */
export function resolvePulsarHome(log: (line: string) => void = console.log): string {
  if (process.env.PULSAR_HOME) return process.env.PULSAR_HOME;
  const home = path.join(toolsCacheDir, `apache-pulsar-${PULSAR_VERSION}`);
  if (existsSync(path.join(home, 'bin', 'pulsar'))) return home;
  if (spawnSync('mvn', ['-v']).status !== 0) {
    throw new PulsarUnavailableError('Pulsar is not installed and Maven is not on PATH to fetch it; set PULSAR_HOME or install Maven.');
  }
  log(`Fetching Apache Pulsar ${PULSAR_VERSION} with Maven (once, about 250 MB)...`);
  execFileSync('mvn', ['-q', '-B', 'dependency:get', `-Dartifact=${DISTRIBUTION}`, '-Dtransitive=false'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const repo = process.env.MAVEN_REPO ?? path.join(homedir(), '.m2', 'repository');
  const archive = path.join(repo, 'org/apache/pulsar/pulsar-server-distribution', PULSAR_VERSION, `pulsar-server-distribution-${PULSAR_VERSION}-bin.tar.gz`);
  // A folder of this process's own: two starts fetching at once do not unpack into each other.
  const staging = `${home}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['xzf', archive, '-C', staging, '--strip-components=1']);
  try {
    renameSync(staging, home);
  } catch (err) {
    // Another start got there first: its copy is as good.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(home, 'bin', 'pulsar'))) throw err;
  }
  return home;
}

export interface PulsarOptions {
  /** This run's folder: config, data (fresh each start) and logs. */
  dir: string;
  webPort: number;
  brokerPort: number;
  logFile: string;
  /**
   * Keep the data of an earlier start in `dir` (a restart): topics, messages, subscriptions and
   * their cursors. By default every start is fresh. (Standalone gives its bookie a port of its
   * own choosing at every start, whatever --bookkeeper-port says; data kept by a bookie on another
   * port is read back all the same: tried with messages published, some acknowledged, a restart.)
   */
  keepData?: boolean;
  /** The broker's environment (PATH finds java); this process's by default. */
  env?: NodeJS.ProcessEnv;
  /** Where the one-time download says what it does; console.log by default. */
  log?: (line: string) => void;
}

/**
 * Starts a real Pulsar standalone broker: functions worker and stream storage off, a small heap,
 * its own config (broker, web service and bookie bound to 127.0.0.1 and advertised there,
 * ensemble and quorums of 1, the WebSocket service on), a fresh data folder unless told to keep
 * it, and waits until the admin API answers.
 */
export async function startPulsarStandalone(options: PulsarOptions): Promise<PulsarServer> {
  const env = options.env ?? process.env;
  if (!javaAvailable(env)) throw new PulsarUnavailableError('Java 17 or later is not on PATH');
  const home = resolvePulsarHome(options.log);
  const data = path.join(options.dir, 'data');
  if (!options.keepData) rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  const conf = path.join(options.dir, 'standalone.conf');
  const overrides: Record<string, string> = {
    clusterName: PULSAR_CLUSTER,
    webServicePort: String(options.webPort),
    brokerServicePort: String(options.brokerPort),
    bindAddress: '127.0.0.1',
    advertisedAddress: '127.0.0.1',
    webSocketServiceEnabled: 'true',
    functionsWorkerEnabled: 'false',
    managedLedgerDefaultEnsembleSize: '1',
    managedLedgerDefaultWriteQuorum: '1',
    managedLedgerDefaultAckQuorum: '1',
    brokerShutdownTimeoutMs: '3000',
    // Standalone reads its bookie's settings from this file too. With no interface named, the
    // bookie listens on every interface; with one, it binds the address it advertises (127.0.0.1,
    // set by standalone). Checked with ss: broker, web service and bookie all on 127.0.0.1.
    listeningInterface: 'lo',
  };
  let text = readFileSync(path.join(home, 'conf', 'standalone.conf'), 'utf8');
  for (const [key, value] of Object.entries(overrides)) {
    const line = new RegExp(`^${key}=.*$`, 'm');
    text = line.test(text) ? text.replace(line, `${key}=${value}`) : `${text}\n${key}=${value}\n`;
  }
  writeFileSync(conf, text);

  const server = spawnManaged({
    name: 'pulsar',
    command: path.join(home, 'bin', 'pulsar'),
    args: ['standalone', '-nfw', '-nss', '-a', '127.0.0.1', '--bookkeeper-dir', path.join(data, 'bookkeeper'), '--metadata-dir', path.join(data, 'metadata'), '--bookkeeper-port', String(await freePort())],
    cwd: options.dir,
    env: {
      ...env,
      PULSAR_STANDALONE_CONF: conf,
      PULSAR_MEM: '-Xms128m -Xmx512m -XX:MaxDirectMemorySize=512m',
      PULSAR_GC: '-XX:+UseG1GC',
      PULSAR_LOG_DIR: path.join(options.dir, 'logs'),
    },
    logFile: options.logFile,
  });
  const adminUrl = `http://127.0.0.1:${options.webPort}`;
  let exited = false;
  void server.exited.then(() => (exited = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    // Standalone creates its cluster, then the public/default namespace, last of all.
    const ready = await fetch(`${adminUrl}/admin/v2/namespaces/public`).then(
      async (r) => r.ok && ((await r.json()) as string[]).includes('public/default'),
      () => false,
    );
    if (ready) break;
    if (exited || Date.now() > deadline) {
      await server.stop();
      throw new Error(`Pulsar did not start${exited ? ' (it exited)' : ''}; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    wsUrl: `ws://127.0.0.1:${options.webPort}`,
    adminUrl,
    serviceUrl: `pulsar://127.0.0.1:${options.brokerPort}`,
    cluster: PULSAR_CLUSTER,
    process: server,
    stop: () => server.stop('SIGTERM', 15_000),
  };
}
