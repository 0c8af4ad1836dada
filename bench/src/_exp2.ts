import { startTemporalDevServer } from '@fleet/tools-infra/temporal-dev-server';
import { freePort, fleetDir } from '@fleet/tools-infra';
import { parseDeclarations, reconcile } from '@fleet/shared-schedules';
import { licenseWorkflowInputSchemas } from '@fleet/license-contracts/schemas';
import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import { mkdirSync } from 'node:fs';

function yamlFor(project: string, count: number, hourOf: (i: number) => number): string {
  const lines = [`project: ${project}`, 'workflows:'];
  for (let i = 0; i < count; i++) lines.push(`  - { id: job-${i}, type: licenseDeactivationWorkflow, task_queue: bench-nowhere, schedule: { cron: "${i % 60} ${hourOf(i)} * * *", timezone: Asia/Kolkata, input: { dryRun: true } } }`);
  return `${lines.join('\n')}\n`;
}
async function main() {
  const dir = path.join(fleetDir, 'bench', 'exp2'); mkdirSync(dir, { recursive: true });
  const temporal = await startTemporalDevServer({ port: await freePort(), logFile: path.join(dir, 'temporal.log') });
  const connection = await Connection.connect({ address: temporal.address });
  await connection.workflowService.registerNamespace({ namespace: 'fleet', workflowExecutionRetentionPeriod: { seconds: 86400 } as never });
  const client = new Client({ connection, namespace: 'fleet' });
  try {
    const v1 = parseDeclarations([{ file: 'bench.yaml', text: yamlFor('bench', 1000, () => 2) }], licenseWorkflowInputSchemas);
    let t = Date.now();
    const cold = await reconcile({ client, declarations: v1, projects: ['bench'] });
    console.log('cold', Date.now() - t, cold.calls);
    for (let k = 0; k < 8; k++) {
      const s = Date.now(); let n = 0;
      for await (const x of client.schedule.list({ pageSize: 1000 })) if (x.state.note) n++;
      console.log(`+${Date.now() - t} ms: list ${Date.now() - s} ms, ${n} listed`);
      await new Promise((r) => setTimeout(r, 300));
    }
    t = Date.now();
    const same = await reconcile({ client, declarations: v1, projects: ['bench'] });
    console.log('same', Date.now() - t, same.calls);
    t = Date.now();
    const same2 = await reconcile({ client, declarations: v1, projects: ['bench'] });
    console.log('same2', Date.now() - t, same2.calls);
  } finally { await connection.close(); await temporal.stop(); }
}
main().catch((e) => { console.error(e); process.exit(1); });
