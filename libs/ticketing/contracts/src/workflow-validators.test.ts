/**
 * The workflow validators bundle with Temporal's workflow bundler and, preloaded as the ticketing
 * workflows preload them (shared by every run, their module exports and zod's deep-frozen by the
 * SDK), answer in the sandbox what they answer here: the same parsed values, the same messages.
 */
import { createTestContext, type TestContext } from '@fleet/tools-infra/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test: it bundles and runs a workflow using this lib; the lib itself imports no worker code
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import path from 'node:path';
import { validate, type ValidationCase } from '../test/validators.workflows';

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this process
}

const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error };

const office = { timeZone: 'America/New_York', week: { mon: [{ start: '09:00', end: '17:00' }] }, holidays: { country: 'US' }, customHolidays: ['2026-11-27'], halfDays: [{ date: '2026-12-24', windows: [{ start: '09:00', end: '12:00' }] }] };
const cases: ValidationCase[] = [
  ['workflow', { ticketId: 'T-1', queue: 'support', subject: 'Printer', body: 'On fire', customer: { id: 'c-1', email: 'ada@example.com' } }],
  ['workflow', { ticketId: 'T 1', queue: 'support', subject: '', body: 'x', customer: { id: 'c-1', email: 'ada@example' }, extra: true }],
  ['create', { ticketId: 'T-1', queue: 'support', priority: 'urgent', subject: 'Printer', body: 'On fire', customer: { id: 'c-1', name: 'Ada' } }],
  ['assign', { assignee: 'alice' }],
  ['assign', { assignee: 'al ice' }],
  ['assign', null],
  ['changeState', { state: 'pending', pendingUntil: '2026-12-02T09:00:00+01:00' }],
  ['changeState', { state: 'pending' }],
  ['changeState', { state: 'resolved', pendingUntil: '2026-12-02' }],
  ['changePriority', { priority: 'soon' }],
  ['changeQueue', { queue: 'billing', extra: 1 }],
  ['addArticle', { articleId: 'a-1', author: 'agent', authorId: 'alice', body: 'On it' }],
  ['addArticle', { articleId: 'a-2', author: 'customer', authorId: 'c-1', body: 'Me too', internal: true }],
  ['addArticle', { articleId: 'a-3', author: 'agent', authorId: 'alice', body: 'nul \u0000 inside' }],
  [
    'setConfig',
    {
      calendars: { office },
      rules: [{ id: 'gold', calendar: 'office', targets: { solution: 600 }, escalations: [{ level: 1, clock: 'solution', on: 'breach', notify: { agent: 'lead' } }] }],
      agents: { lead: { email: 'lead@example.com', phone: '+15551234567', calendar: 'office' } },
    },
  ],
  [
    'setConfig',
    {
      calendars: { office: { ...office, timeZone: 'Mars/Olympus', holidays: { country: 'ZZ' }, week: { mon: [{ start: '09:00', end: '08:00' }] } } },
      rules: [{ id: 'gold', calendar: 'elsewhere', targets: {}, escalations: [{ level: 1, clock: 'solution', on: 'breach', notify: { agent: 'ghost' } }] }],
      agents: { lead: { email: 'lead', phone: '5551234567' } },
    },
  ],
];

let ctx: TestContext;
let connection: NativeConnection;

beforeAll(async () => {
  ctx = await createTestContext('ticketing-validators-sandbox');
  connection = await NativeConnection.connect({ address: ctx.temporal.address });
});

afterAll(async () => {
  await connection?.close();
  await ctx?.close();
});

it('validate the same in a workflow, preloaded (shared and frozen), as here, run after run', async () => {
  const here = JSON.parse(JSON.stringify(validate(cases))) as ReturnType<typeof validate>;
  expect(here.outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual([
    'ok',
    expect.stringMatching(/^invalid input of ticketLifecycleWorkflow: ticketId: only letters.*subject: must not be empty.*customer\.email: Invalid email address.*extra: unknown field/),
    'ok',
    'ok',
    'assignee: only letters, digits and . _ : - are allowed',
    'input: Invalid input: expected object, received null',
    'ok',
    'pendingUntil: a pending ticket needs its reminder time',
    'pendingUntil: expected an ISO 8601 date-time with its offset; pendingUntil: only a pending ticket has a reminder time',
    expect.stringContaining('priority: Invalid option'),
    'input: Unrecognized key: "extra"',
    'ok',
    'internal: only an agent writes internal notes',
    'body: must not contain control characters (NUL included)',
    'ok',
    expect.stringMatching(/timeZone: unknown IANA time zone "Mars\/Olympus".*rules\.0\.targets: a rule needs at least one target.*agents\.lead\.email: Invalid email address/),
  ]);

  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'test', 'validators.workflows.ts'),
    logger: quiet,
    preloadModules: ['@fleet/ticketing-contracts/workflow'],
  });
  const taskQueue = 'ticketing-validators-sandbox';
  const worker = await Worker.create({ connection, namespace: ctx.temporal.namespace, taskQueue, workflowBundle: { code } });
  const workflowId = `ticketing-validators-${Date.now()}`;
  // Two runs in the same worker: the second finds whatever the first left in the shared modules.
  const [first, second] = await worker.runUntil(async () => [
    await ctx.client.workflow.execute('validationProbe', { workflowId, taskQueue, args: [cases] }),
    await ctx.client.workflow.execute('validationProbe', { workflowId: `${workflowId}-again`, taskQueue, args: [cases] }),
  ]);
  expect(first.frozen).toBe(true);
  expect({ outcomes: first.outcomes, parsed: first.parsed }).toEqual(here);
  expect({ outcomes: second.outcomes, parsed: second.parsed }).toEqual(here);
}, 300_000); // bundling takes 10-20 s; more on a machine busy with other work
