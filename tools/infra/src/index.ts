export { startInfrastructure, type Infrastructure, type InfrastructureOptions } from './infrastructure';
export { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';
export { startEmbeddedPostgres, externalPostgres, type PostgresServer } from './postgres';
export { resolveTemporalCli, TEMPORAL_CLI_VERSION } from './temporal-cli';
export { spawnManaged, watchWithReaper, appNodeArgs, tsxLoaderArgs, type ManagedProcess } from './managed-process';
export { freePort, isPortFree, assertPortFree, waitForPort } from './ports';
export { acquireInstanceLock } from './instance-lock';
export { repoRoot, fleetDir, toolsCacheDir } from './paths';
export { workerBundles, buildAllBundles } from './bundles';
