/**
 * `npm run schedules -- plan|apply|list [--files a.yaml,b.yaml] [--verify describe|listing]`: the
 * gateway's reconcile, for GitOps pipelines. plan shows what would be created, updated or deleted
 * and why; apply does it (a reload: API overrides revert); list shows the schedules Fleet owns.
 * plan and apply describe every schedule by default; `--verify listing` checks them from one
 * listing instead (faster; see Verify in libs/shared/schedules). Temporal from TEMPORAL_ADDRESS
 * and TEMPORAL_NAMESPACE. Exits 1 on an invalid declaration or a failed outcome.
 */
import { envSchemas, parseEnv } from '@fleet/shared-config';
import { DeclarationError, OWNER_MEMO_KEY, reconcile } from '@fleet/shared-schedules';
import { connectClient } from '@fleet/shared-temporal';
import { parseArgs } from 'node:util';
import { defaultDeclarationFiles, loadDeclared } from './declared';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { files: { type: 'string' }, orphans: { type: 'string', default: 'delete' }, verify: { type: 'string', default: 'describe' } } });
  const command = positionals[0];
  if (command !== 'plan' && command !== 'apply' && command !== 'list') {
    console.error('usage: schedules plan|apply|list [--files a.yaml,b.yaml] [--orphans delete|pause] [--verify describe|listing]');
    return 2;
  }
  if (values.orphans !== 'delete' && values.orphans !== 'pause') {
    console.error('--orphans must be delete or pause');
    return 2;
  }
  if (values.verify !== 'describe' && values.verify !== 'listing') {
    console.error('--verify must be describe or listing');
    return 2;
  }
  const env = parseEnv({ ...envSchemas.temporal });
  const declared = loadDeclared(values.files ? values.files.split(',') : defaultDeclarationFiles());
  const client = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE });
  try {
    if (command === 'list') {
      for await (const s of client.schedule.list()) {
        const owner = s.memo?.[OWNER_MEMO_KEY];
        if (typeof owner === 'string' && declared.projects.includes(owner)) {
          console.log(`${s.scheduleId}\t${owner}\t${s.state.paused ? 'paused' : 'active'}\tnext ${s.info.nextActionTimes[0]?.toISOString() ?? '-'}`);
        }
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

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof DeclarationError ? `invalid schedule declarations:\n${err.message}` : err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
