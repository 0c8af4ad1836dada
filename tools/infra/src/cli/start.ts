/**
 * `npm start`: the whole system on its embedded defaults. Temporal dev server (with Web UI),
 * PostgreSQL (embedded unless DATABASE_URL), Pulsar (when Java is present), Mailpit (the SMTP
 * server e-mail goes through, its messages readable at its API; when it can be built), and every app of the
 * repository (apps.ts: each domain's worker, the simulators, the gateway), each its own process as
 * it is deployed. A process that crashes is started again with a backoff (supervisor.ts); Ctrl-C
 * (or SIGTERM) stops everything it started. State is kept across starts under FLEET_HOME, and a
 * fresh folder gets a small demo (FLEET_DEMO=0 to start empty).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { envSchemas, parseEnv } from '@fleet/shared-config';
import { createDatabaseIfMissing, databaseUrl } from '@fleet/shared-db';
import { z } from 'zod';
import { appSummary, envName, localApps, resolveAppEnv, type LocalApp } from '../apps';
import { buildAllBundles } from '../bundles';
import { discoverDomains } from '../domains';
import { startInfrastructure } from '../infrastructure';
import { acquireInstanceLock } from '../instance-lock';
import { appNodeArgs, spawnManaged } from '../managed-process';
import { fleetDir, repoRoot } from '../paths';
import { assertPortFree, waitForPort } from '../ports';
import { startMailpit, type MailpitServer } from '../mailpit';
import { javaAvailable } from '../pulsar';
import { Supervisor } from '../supervisor';

const log = (line: string) => console.log(`[fleet] ${line}`);
const DEMO_MARKER = path.join(fleetDir, 'demo.json');
const API_KEY_FILE = path.join(fleetDir, 'api-key');
/** How long an app may take to listen before start goes on without it (it keeps being restarted if it crashes). */
const READY_TIMEOUT_MS = 120_000;

async function main(): Promise<void> {
  const env = parseEnv({
    FLEET_TEMPORAL_PORT: envSchemas.port(7233),
    FLEET_TEMPORAL_UI_PORT: envSchemas.port(8233),
    FLEET_POSTGRES_PORT: envSchemas.port(5433),
    FLEET_PULSAR_WEB_PORT: envSchemas.port(8080),
    FLEET_PULSAR_BROKER_PORT: envSchemas.port(6650),
    FLEET_MAILPIT_SMTP_PORT: envSchemas.port(1025),
    FLEET_MAILPIT_HTTP_PORT: envSchemas.port(8025),
    DATABASE_URL: envSchemas.url.optional(),
    /** Each app with a database gets `<FLEET_DATABASE>_<name>` (fleet_license, fleet_vsync, ...). */
    FLEET_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('fleet'),
    /** 0: a fresh data folder starts empty instead of with the demo. */
    FLEET_DEMO: z.enum(['0', '1']).default('1'),
    LOG_LEVEL: envSchemas.logLevel,
  });
  const apps = localApps({ env: process.env, database: env.FLEET_DATABASE });
  const domains = discoverDomains();
  const lock = acquireInstanceLock(fleetDir, 'start');
  // Apps and servers are kept running alike; at the stop, apps first, while their servers still answer.
  const supervisor = new Supervisor({ log });
  const servers = new Supervisor({ log });
  const logFile = (app: string) => path.join(fleetDir, 'logs', `${app}.log`);
  let infra: Awaited<ReturnType<typeof startInfrastructure>>;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping...');
    await supervisor.stop();
    await servers.stop();
    rmSync(API_KEY_FILE, { force: true });
    lock.release();
    log('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    await assertPortFree(env.FLEET_TEMPORAL_PORT, 'FLEET_TEMPORAL_PORT');
    await assertPortFree(env.FLEET_TEMPORAL_UI_PORT, 'FLEET_TEMPORAL_UI_PORT');
    if (!env.DATABASE_URL) await assertPortFree(env.FLEET_POSTGRES_PORT, 'FLEET_POSTGRES_PORT');
    for (const app of apps) for (const p of app.ports) await assertPortFree(p.port, p.override);
    const withPulsar = javaAvailable();
    if (withPulsar) {
      await assertPortFree(env.FLEET_PULSAR_WEB_PORT, 'FLEET_PULSAR_WEB_PORT');
      await assertPortFree(env.FLEET_PULSAR_BROKER_PORT, 'FLEET_PULSAR_BROKER_PORT');
    }
    await assertPortFree(env.FLEET_MAILPIT_SMTP_PORT, 'FLEET_MAILPIT_SMTP_PORT');
    await assertPortFree(env.FLEET_MAILPIT_HTTP_PORT, 'FLEET_MAILPIT_HTTP_PORT');

    log('bundling workflows...');
    const bundles = await buildAllBundles();
    log(`starting Temporal, ${env.DATABASE_URL ? 'connecting to PostgreSQL' : 'embedded PostgreSQL'}${withPulsar ? ', Pulsar' : ''} (data in ${fleetDir})...`);
    infra = await startInfrastructure({
      dir: fleetDir,
      temporalPort: env.FLEET_TEMPORAL_PORT,
      temporalUiPort: env.FLEET_TEMPORAL_UI_PORT,
      persistent: true,
      postgresPort: env.FLEET_POSTGRES_PORT,
      databaseUrl: env.DATABASE_URL,
      pulsar: withPulsar ? { webPort: env.FLEET_PULSAR_WEB_PORT, brokerPort: env.FLEET_PULSAR_BROKER_PORT } : undefined,
      log,
    });
    for (const server of infra.processes) servers.add({ name: server.name, logFile: server.logFile, start: () => server.restart() }, server.current);
    if (!infra.pulsar) log(`Pulsar is not running (${infra.pulsarUnavailable ?? 'no Java 17 on PATH'}): the system runs, and its events wait in the outbox until a broker is there.`);
    // Mailpit: the SMTP server notifications go through. Without it (no Go to build it) the system
    // runs, and e-mail fails over to the next channel (SMS, push, in-app).
    const startMail = () =>
      startMailpit({ dir: path.join(fleetDir, 'mailpit'), smtpPort: env.FLEET_MAILPIT_SMTP_PORT, httpPort: env.FLEET_MAILPIT_HTTP_PORT, logFile: logFile('mailpit'), log });
    const mailRun = (m: MailpitServer) => ({ pid: m.process.pid, exit: m.process.exit, stop: () => m.stop() });
    const mailpit = await startMail().catch((err: unknown) => {
      log(`Mailpit is not running (${err instanceof Error ? err.message : String(err)}): e-mail notifications fall back to SMS, push and in-app.`);
      return undefined;
    });
    if (mailpit) servers.add({ name: 'mailpit', logFile: logFile('mailpit'), start: async () => mailRun(await startMail()) }, mailRun(mailpit));
    const serverUrl = infra.postgres.url;
    for (const app of apps) if (app.database) await createDatabaseIfMissing(serverUrl, app.database);

    // A key for this run only, printed below, so the API can be tried at once: every domain's scopes and the schedules'.
    const apiKey = `local-${randomBytes(12).toString('hex')}`;
    const scopes = [...domains.flatMap((d) => [`${d.name}:read`, `${d.name}:write`]), 'workflow.schedule:read', 'workflow.schedule:write'];
    const shared: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: infra.temporal.address,
      TEMPORAL_NAMESPACE: infra.temporal.namespace,
      LOG_LEVEL: env.LOG_LEVEL,
      ...(infra.pulsar ? { PULSAR_WS_URL: infra.pulsar.wsUrl, PULSAR_ADMIN_URL: infra.pulsar.adminUrl } : {}),
      // Where the apps send e-mail (a provider set in npm start's environment wins).
      SMTP_HOST: process.env.SMTP_HOST || '127.0.0.1',
      SMTP_PORT: process.env.SMTP_PORT || String(env.FLEET_MAILPIT_SMTP_PORT),
    };
    delete shared.DATABASE_URL; // only apps with a database of their own get one
    const envOf = new Map<string, NodeJS.ProcessEnv>();
    const ownEnvOf = new Map<string, Record<string, string>>();
    for (const app of apps) {
      const own = resolveAppEnv(app, apps, { env: process.env, values: (a) => ({ dataDir: path.join(fleetDir, 'data', a.app), localApiKeys: `local=${apiKey}:${scopes.join(' ')}` }) });
      ownEnvOf.set(app.app, own);
      const bundle = bundles[app.app];
      envOf.set(app.app, {
        ...shared,
        ...own,
        ...(app.database ? { DATABASE_URL: databaseUrl(serverUrl, app.database) } : {}),
        // The worker side reads WORKFLOW_BUNDLE; <DOMAIN>_WORKFLOW_BUNDLE is the name it read before.
        ...(bundle && app.domain ? { WORKFLOW_BUNDLE: bundle, [`${envName(app.domain.name)}_WORKFLOW_BUNDLE`]: bundle } : {}),
      });
    }

    // Every app starts once those it waits for are up; up = listening on each of its ports.
    const ready = new Map<string, Promise<void>>();
    const startApp = async (app: LocalApp): Promise<void> => {
      await Promise.all(app.after.map((dep) => ready.get(dep)));
      if (stopping) return;
      supervisor.add({
        name: app.app,
        logFile: logFile(app.app),
        start: () =>
          spawnManaged({
            name: app.app,
            command: process.execPath,
            args: [...appNodeArgs(), app.mainFile],
            cwd: repoRoot,
            env: envOf.get(app.app),
            logFile: logFile(app.app),
          }),
      });
      await Promise.all(
        app.ports.map((p) =>
          waitForPort(p.port, READY_TIMEOUT_MS).catch(() => log(`${app.app} is not listening on ${p.port} (${p.variable}) after ${READY_TIMEOUT_MS / 1000} s; going on without it; see ${logFile(app.app)}`)),
        ),
      );
    };
    for (const app of apps) ready.set(app.app, startApp(app));
    await Promise.all(ready.values());
    if (stopping) return;

    await loadDemos(apps, envOf, env.FLEET_DEMO === '1');
    if (stopping) return;

    log('Fleet is up.');
    log(`  Temporal Web UI  ${infra.temporal.uiUrl}`);
    log(`  Temporal gRPC    ${infra.temporal.address}`);
    log(`  PostgreSQL       ${serverUrl.replace(/:[^:@/]+@/, ':***@')}; databases ${apps.flatMap((a) => (a.database ? [a.database] : [])).join(', ')}`);
    if (infra.pulsar) log(`  Pulsar           ${infra.pulsar.serviceUrl}, admin and WebSocket ${infra.pulsar.adminUrl}  (npm run events:tail -- <topic>)`);
    if (mailpit) log(`  Mailpit          SMTP ${mailpit.smtpHost}:${mailpit.smtpPort}, e-mail received ${mailpit.apiUrl}/api/v1/messages`);
    const width = Math.max(...apps.map((a) => a.app.length)) + 2;
    for (const app of apps) log(`  ${app.app.padEnd(width)}${appSummary(app, ownEnvOf.get(app.app) ?? {})}`);
    if ([...ownEnvOf.values()].some((e) => Object.values(e).some((v) => v.includes(apiKey)))) {
      // In a file too, for copy-paste commands: export FLEET_API_KEY=$(cat .fleet/api-key)
      writeFileSync(API_KEY_FILE, `${apiKey}\n`, { mode: 0o600 });
      log(`  API key          ${apiKey}  (this run only, also in ${API_KEY_FILE}; scopes ${scopes.join(' ')})`);
      log(`                   export FLEET_API_KEY=${apiKey}`);
    }
    log(`  Logs             ${path.join(fleetDir, 'logs')}`);
    log('A process that crashes (an app or a server) is started again, with a backoff. Ctrl-C stops everything.');
  } catch (err) {
    console.error(`[fleet] start failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

/**
 * On a fresh data folder (no demo marker), every app's `src/demo.ts` loads its part of the demo:
 * `loadDemo(env)` gets the app's own environment and answers with a line saying what it loaded.
 * A demo loads only into an empty base, so one that failed halfway is tried again at the next
 * start. The marker lists the apps whose demo loaded: later starts leave their data alone, and
 * load only the demo of an app added since (a new domain). FLEET_DEMO=0 on a fresh folder marks it
 * as one without a demo, for good.
 */
async function loadDemos(apps: LocalApp[], envOf: Map<string, NodeJS.ProcessEnv>, enabled: boolean): Promise<void> {
  const marker = readMarker();
  if (marker?.skipped) return;
  const loaded = new Set(marker?.apps ?? []);
  const todo = apps.filter((a) => a.demoFile && !loaded.has(a.app));
  if (todo.length === 0) return;
  if (!enabled) {
    if (!marker) {
      log('FLEET_DEMO=0: no demo loaded.');
      writeMarker({ skipped: true });
    }
    return;
  }
  log(`${marker ? `new apps with a demo (${todo.map((a) => a.app).join(', ')})` : 'a fresh data folder'}: loading the demo (FLEET_DEMO=0 to start empty)...`);
  for (const app of todo) {
    try {
      const module = (await import(app.demoFile as string)) as { loadDemo?: (env: NodeJS.ProcessEnv) => Promise<string> };
      if (typeof module.loadDemo !== 'function') throw new Error(`${path.relative(repoRoot, app.demoFile as string)} does not export loadDemo(env)`);
      log(`  demo ${app.name}: ${await module.loadDemo(envOf.get(app.app) ?? {})}`);
      loaded.add(app.app);
      writeMarker({ apps: [...loaded].sort() });
    } catch (err) {
      log(`  demo ${app.name} failed: ${err instanceof Error ? err.message : String(err)} (tried again at the next start)`);
    }
  }
}

function readMarker(): { skipped?: boolean; apps?: string[] } | undefined {
  if (!existsSync(DEMO_MARKER)) return undefined;
  try {
    return JSON.parse(readFileSync(DEMO_MARKER, 'utf8')) as { skipped?: boolean; apps?: string[] };
  } catch {
    return { skipped: true }; // unreadable: leave the data alone
  }
}

function writeMarker(content: object): void {
  mkdirSync(path.dirname(DEMO_MARKER), { recursive: true });
  writeFileSync(DEMO_MARKER, `${JSON.stringify({ ...content, at: new Date().toISOString() })}\n`);
}

main().catch((err: unknown) => {
  console.error(`[fleet] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
