/**
 * `npm run schedules -- plan|apply|list [--files a.yaml,b.yaml] [--orphans delete|pause] [--verify listing|describe]`:
 * the reconcile every worker runs at its start, for GitOps pipelines. plan shows what would be
 * created, updated, replaced or deleted and why; apply does it (a reload: API overrides revert);
 * list shows the schedules Fleet owns for those files' projects. Each file is validated with the
 * manifest of the domain whose project it names, as its worker validates it. The options are the
 * worker's (SCHEDULE_ORPHANS, SCHEDULE_VERIFY), with the same defaults; `--files` defaults to
 * every apps/<app>/workflows.yaml. Temporal from TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE. Exits 1
 * on an invalid declaration or a failed outcome, having changed nothing in the first case.
 */
import { envSchemas, parseEnv } from '@fleet/shared-config';
import { DeclarationError, declarationFileName, declarationFromMemo, declaredProject, ownerOf, reconcile, type DeclarationProblem, type DeclarationSet } from '@fleet/shared-schedules';
import { connectClient } from '@fleet/shared-temporal';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadWorkerDeclarations } from '../schedules';
import { domainManifests, repositoryRoot } from './manifests';

/** Every apps/<app>/workflows.yaml of the repository. */
export function appDeclarationFiles(root = repositoryRoot()): string[] {
  const apps = path.join(root, 'apps');
  return readdirSync(apps)
    .map((app) => path.join(apps, app, 'workflows.yaml'))
    .filter((file) => existsSync(file))
    .sort();
}

/**
 * Validates each file with the manifest of the project it names (a worker's own rules): every
 * problem of every file at once, in one DeclarationError.
 */
export function loadPipelineDeclarations(files: string[], manifests = domainManifests()): DeclarationSet {
  const problems: DeclarationProblem[] = [];
  const set: DeclarationSet = { declarations: [], projects: [] };
  const fileOf = new Map<string, string>();
  for (const file of files) {
    const project = declaredProject(file);
    const manifest = manifests.find((m) => m.project === project);
    const name = declarationFileName(file);
    if (!manifest) {
      problems.push({ file: name, path: 'project', reason: project ? `no domain's manifest (defineDomain) has project ${project}` : 'names no project' });
      continue;
    }
    if (fileOf.has(manifest.project)) {
      problems.push({ file: name, path: 'project', reason: `${manifest.project} is declared by ${fileOf.get(manifest.project)} already: one file per project` });
      continue;
    }
    fileOf.set(manifest.project, name);
    try {
      const declared = loadWorkerDeclarations(file, manifest);
      set.declarations.push(...declared.declarations);
      set.projects.push(...declared.projects);
    } catch (err) {
      if (!(err instanceof DeclarationError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length) throw new DeclarationError(problems);
  return set;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { files: { type: 'string' }, orphans: { type: 'string', default: 'delete' }, verify: { type: 'string', default: 'listing' } },
  });
  const command = positionals[0];
  if (command !== 'plan' && command !== 'apply' && command !== 'list') {
    console.error('usage: schedules plan|apply|list [--files a.yaml,b.yaml] [--orphans delete|pause] [--verify listing|describe]');
    return 2;
  }
  if (values.orphans !== 'delete' && values.orphans !== 'pause') {
    console.error('--orphans must be delete or pause');
    return 2;
  }
  if (values.verify !== 'describe' && values.verify !== 'listing') {
    console.error('--verify must be listing or describe');
    return 2;
  }
  const env = parseEnv({ ...envSchemas.temporal });
  const files = values.files ? values.files.split(',').map((f) => f.trim()) : appDeclarationFiles();
  const declared = loadPipelineDeclarations(files);
  const client = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE });
  try {
    if (command === 'list') {
      for await (const s of client.schedule.list()) {
        const owner = ownerOf(s.memo);
        if (owner === undefined || !declared.projects.includes(owner)) continue;
        const file = declarationFromMemo(s.memo)?.file ?? '-';
        console.log(`${s.scheduleId}\t${owner}\t${s.state.paused ? 'paused' : 'active'}\tnext ${s.info.nextActionTimes[0]?.toISOString() ?? '-'}\t${file}`);
      }
      return 0;
    }
    const result = await reconcile({ client, declarations: declared.declarations, projects: declared.projects, plan: command === 'plan', orphans: values.orphans, verify: values.verify });
    for (const o of result.outcomes) console.log(`${o.status.padEnd(8)} ${o.action.padEnd(9)} ${o.scheduleId}  ${o.reason}${o.error ? `: ${o.error}` : ''}`);
    console.log(`${command === 'plan' ? 'planned' : 'applied'}: ${result.outcomes.length} schedules, ${result.writes} writes, ${result.durationMs} ms`);
    return result.outcomes.some((o) => o.status === 'failed') ? 1 : 0;
  } finally {
    await client.connection.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof DeclarationError ? `invalid schedule declarations (nothing changed):\n${err.message}` : err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
