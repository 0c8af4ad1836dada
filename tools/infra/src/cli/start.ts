/**
 * `npm start`: the whole system on its embedded defaults. Temporal dev server (with Web UI),
 * PostgreSQL (embedded unless DATABASE_URL), Pulsar (when Java is present), every worker and the gateway, each its own process
 * as it is deployed. Ctrl-C stops everything it started.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { envSchemas, parseEnv } from '@fleet/shared-config';
import { createDatabaseIfMissing, databaseUrl } from '@fleet/shared-db';
import { z } from 'zod';
import { buildAllBundles, workerBundles } from '../bundles';
import { startInfrastructure } from '../infrastructure';
import { javaAvailable } from '../pulsar';
import { acquireInstanceLock } from '../instance-lock';
import { spawnManaged, appNodeArgs, type ManagedProcess } from '../managed-process';
import { fleetDir, repoRoot } from '../paths';
import { assertPortFree, waitForPort } from '../ports';

const log = (line: string) => console.log(`[fleet] ${line}`);

function bundleOf(app: string): string {
  const bundle = workerBundles.find((b) => b.app === app);
  if (!bundle) throw new Error(`no workflow bundle is declared for ${app}`);
  return bundle.bundleFile;
}

async function main(): Promise<void> {
  const env = parseEnv({
    FLEET_TEMPORAL_PORT: envSchemas.port(7233),
    FLEET_TEMPORAL_UI_PORT: envSchemas.port(8233),
    FLEET_POSTGRES_PORT: envSchemas.port(5433),
    FLEET_GATEWAY_PORT: envSchemas.port(3000),
    FLEET_LICENSE_METRICS_PORT: envSchemas.port(9464),
    FLEET_VSYNC_METRICS_PORT: envSchemas.port(9465),
    FLEET_DICT_SIM_GRPC_PORT: envSchemas.port(50051),
    FLEET_DICT_SIM_HTTP_PORT: envSchemas.port(50052),
    FLEET_PULSAR_WEB_PORT: envSchemas.port(8080),
    FLEET_PULSAR_BROKER_PORT: envSchemas.port(6650),
    DATABASE_URL: envSchemas.url.optional(),
    FLEET_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('fleet'),
    LOG_LEVEL: envSchemas.logLevel,
  });
  const lock = acquireInstanceLock(fleetDir, 'start');
  const apps: ManagedProcess[] = [];
  let infra: Awaited<ReturnType<typeof startInfrastructure>> | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping...');
    await Promise.all(apps.map((a) => a.stop('SIGTERM', 25_000)));
    await infra?.stop();
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
    await assertPortFree(env.FLEET_GATEWAY_PORT, 'FLEET_GATEWAY_PORT');
    await assertPortFree(env.FLEET_LICENSE_METRICS_PORT, 'FLEET_LICENSE_METRICS_PORT');
    await assertPortFree(env.FLEET_VSYNC_METRICS_PORT, 'FLEET_VSYNC_METRICS_PORT');
    await assertPortFree(env.FLEET_DICT_SIM_GRPC_PORT, 'FLEET_DICT_SIM_GRPC_PORT');
    await assertPortFree(env.FLEET_DICT_SIM_HTTP_PORT, 'FLEET_DICT_SIM_HTTP_PORT');
    const withPulsar = javaAvailable();
    if (withPulsar) {
      await assertPortFree(env.FLEET_PULSAR_WEB_PORT, 'FLEET_PULSAR_WEB_PORT');
      await assertPortFree(env.FLEET_PULSAR_BROKER_PORT, 'FLEET_PULSAR_BROKER_PORT');
    }

    log('bundling workflows...');
    await buildAllBundles();
    log(`starting Temporal, ${env.DATABASE_URL ? 'connecting to PostgreSQL' : 'embedded PostgreSQL'}${withPulsar ? ', Pulsar' : ''} (data in ${fleetDir})...`);
    infra = await startInfrastructure({
      dir: fleetDir,
      temporalPort: env.FLEET_TEMPORAL_PORT,
      temporalUiPort: env.FLEET_TEMPORAL_UI_PORT,
      persistent: true,
      postgresPort: env.FLEET_POSTGRES_PORT,
      databaseUrl: env.DATABASE_URL,
      pulsar: withPulsar ? { webPort: env.FLEET_PULSAR_WEB_PORT, brokerPort: env.FLEET_PULSAR_BROKER_PORT } : undefined,
    });
    if (!infra.pulsar) log(`Pulsar is not running (${infra.pulsarUnavailable ?? 'no Java 17 on PATH'}): the system runs, and its events wait in the outbox until a broker is there.`);
    await createDatabaseIfMissing(infra.postgres.url, env.FLEET_DATABASE);
    // Each worker its own database, as each is deployed alone.
    const vsyncDatabase = `${env.FLEET_DATABASE}_vsync`;
    await createDatabaseIfMissing(infra.postgres.url, vsyncDatabase);
    const appEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: infra.temporal.address,
      TEMPORAL_NAMESPACE: infra.temporal.namespace,
      DATABASE_URL: databaseUrl(infra.postgres.url, env.FLEET_DATABASE),
      LOG_LEVEL: env.LOG_LEVEL,
      ...(infra.pulsar ? { PULSAR_WS_URL: infra.pulsar.wsUrl, PULSAR_ADMIN_URL: infra.pulsar.adminUrl } : {}),
    };
    const startApp = (app: string, extraEnv: Record<string, string | undefined>) => {
      const proc = spawnManaged({
        name: app,
        command: process.execPath,
        args: [...appNodeArgs(), path.join(repoRoot, 'apps', app, 'src', 'main.ts')],
        cwd: repoRoot,
        env: { ...appEnv, ...extraEnv },
        logFile: path.join(fleetDir, 'logs', `${app}.log`),
      });
      void proc.exited.then((code) => {
        if (stopping) return;
        log(`${app} exited with code ${code}; see ${path.join(fleetDir, 'logs', `${app}.log`)}`);
        void stopAll(1);
      });
      apps.push(proc);
    };
    startApp('license-worker', {
      METRICS_PORT: String(env.FLEET_LICENSE_METRICS_PORT),
      LICENSE_WORKFLOW_BUNDLE: bundleOf('license-worker'),
    });
    // DICT is not ours: locally its simulator stands in for the bridge (a real gRPC server).
    const participant = process.env.DICT_PARTICIPANT ?? '12345678';
    startApp('dict-bridge-sim', {
      DICT_SIM_GRPC_PORT: String(env.FLEET_DICT_SIM_GRPC_PORT),
      DICT_SIM_HTTP_PORT: String(env.FLEET_DICT_SIM_HTTP_PORT),
      DICT_SIM_PARTICIPANT: participant,
    });
    await waitForPort(env.FLEET_DICT_SIM_GRPC_PORT, 60_000);
    startApp('vsync-worker', {
      METRICS_PORT: String(env.FLEET_VSYNC_METRICS_PORT),
      DATABASE_URL: databaseUrl(infra.postgres.url, vsyncDatabase),
      VSYNC_WORKFLOW_BUNDLE: bundleOf('vsync-worker'),
      DICT_PARTICIPANT: participant,
      DICT_BRIDGE_ADDRESS: process.env.DICT_BRIDGE_ADDRESS ?? `127.0.0.1:${env.FLEET_DICT_SIM_GRPC_PORT}`,
    });
    // A key for this run only, printed below, so the API can be tried at once.
    const apiKey = process.env.GATEWAY_API_KEYS ? undefined : `local-${randomBytes(12).toString('hex')}`;
    startApp('gateway', {
      GATEWAY_PORT: String(env.FLEET_GATEWAY_PORT),
      ...(apiKey ? { GATEWAY_API_KEYS: `local=${apiKey}:workflow.schedule:read workflow.schedule:write vsync:read vsync:write` } : {}),
    });
    await Promise.all([
      waitForPort(env.FLEET_GATEWAY_PORT, 60_000),
      waitForPort(env.FLEET_LICENSE_METRICS_PORT, 60_000),
      waitForPort(env.FLEET_VSYNC_METRICS_PORT, 60_000),
    ]);

    log('Fleet is up.');
    log(`  Temporal Web UI  ${infra.temporal.uiUrl}`);
    log(`  Temporal gRPC    ${infra.temporal.address}`);
    log(`  API              http://127.0.0.1:${env.FLEET_GATEWAY_PORT}/api/v0  (health: /healthz, readiness: /readyz)`);
    if (apiKey) log(`  API key          ${apiKey}  (this run only: curl -H 'authorization: Bearer ${apiKey}' .../api/v0/schedules)`);
    log(`  PostgreSQL       ${databaseUrl(infra.postgres.url, env.FLEET_DATABASE).replace(/:[^:@/]+@/, ':***@')}`);
    log(`  Worker metrics   http://127.0.0.1:${env.FLEET_LICENSE_METRICS_PORT}/metrics (license), :${env.FLEET_VSYNC_METRICS_PORT}/metrics (vsync)`);
    log(`  DICT simulator   gRPC 127.0.0.1:${env.FLEET_DICT_SIM_GRPC_PORT}, files and admin http://127.0.0.1:${env.FLEET_DICT_SIM_HTTP_PORT}/admin/stats`);
    if (infra.pulsar) log(`  Pulsar           ${infra.pulsar.serviceUrl}, admin and WebSocket ${infra.pulsar.adminUrl}  (npm run events:tail -- <topic>)`);
    log(`  Logs             ${path.join(fleetDir, 'logs')}`);
    log('Schedules: the gateway keeps apps/*/workflows.yaml in Temporal (npm run schedules -- list). Ctrl-C stops everything.');
  } catch (err) {
    console.error(`[fleet] start failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

main().catch((err: unknown) => {
  console.error(`[fleet] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
