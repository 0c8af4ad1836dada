import { createTestContext, timeSkippingEnv, waitFor, type TestContext } from '@fleet/tools-infra/testing';
import { defineSearchAttributeKey, TypedSearchAttributes } from '@temporalio/common';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes, registerSearchAttributes } from './search-attributes';

// Attributes of this test's own (a shared lib's test may not import a real domain), of every kind a manifest names.
const ATTRIBUTES = {
  ReportsQueue: 'Keyword',
  ReportsTitle: 'Text',
  ReportsCount: 'Int',
  ReportsScore: 'Double',
  ReportsLate: 'Bool',
  ReportsDueAt: 'Datetime',
  ReportsTags: 'KeywordList',
} as const;

let ctx: TestContext;
let connection: Connection;

beforeAll(async () => {
  ctx = await createTestContext('search-attributes');
  connection = await Connection.connect({ address: ctx.temporal.address });
});

afterAll(async () => {
  await connection?.close();
  await ctx?.close();
});

const listed = async (namespace = ctx.temporal.namespace) => (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};

it('registers the missing ones, each with its kind, and they are usable in a visibility query at once', async () => {
  expect(Object.keys(await listed()).filter((n) => n.startsWith('Reports'))).toEqual([]);
  const { added } = await registerSearchAttributes(ctx.temporal, ATTRIBUTES);
  expect(added.sort()).toEqual(Object.keys(ATTRIBUTES).sort());
  expect(await listed()).toMatchObject({ ReportsQueue: 2, ReportsTitle: 1, ReportsCount: 3, ReportsScore: 4, ReportsLate: 5, ReportsDueAt: 6, ReportsTags: 7 });

  // A query naming them is accepted right away, and a run started with them is found by them.
  const query = "ReportsQueue='q-1' AND ReportsLate=true AND ReportsDueAt < '2030-01-01T00:00:00Z' AND ExecutionStatus='Running'";
  const none = [];
  for await (const e of ctx.client.workflow.list({ query })) none.push(e);
  expect(none).toEqual([]);
  const handle = await ctx.client.workflow.start('reportsNobodyRunsWorkflow', {
    taskQueue: 'nobody-polls-this',
    workflowId: 'reports-sa-1',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: defineSearchAttributeKey('ReportsQueue', 'KEYWORD'), value: 'q-1' },
      { key: defineSearchAttributeKey('ReportsLate', 'BOOL'), value: true },
      { key: defineSearchAttributeKey('ReportsDueAt', 'DATETIME'), value: new Date('2026-12-02T09:00:00Z') },
    ]),
  });
  const found = await waitFor('the run to be visible by its attributes', async () => {
    const ids: string[] = [];
    for await (const e of ctx.client.workflow.list({ query })) ids.push(e.workflowId);
    return ids.length > 0 && ids;
  }, 15_000, 200);
  expect(found).toEqual(['reports-sa-1']);
  await handle.terminate('test done');
});

it('adds nothing the second time, nor when two workers race to add them', async () => {
  expect(await registerSearchAttributes(ctx.temporal, ATTRIBUTES)).toEqual({ added: [] });

  const other = `${ctx.temporal.namespace}-race`;
  await connection.workflowService.registerNamespace({ namespace: other, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await waitFor('the namespace to be usable', async () => (await listed(other).then(() => true, () => false)), 15_000, 100);
  // Three workers starting at once each find them missing and add them: none fails, each resolves
  // with every attribute listed with its kind (the server takes an add of an existing same-kind
  // attribute as done, or answers ALREADY_EXISTS: both are tolerated).
  const racing = await Promise.all([0, 1, 2].map(() => ensureSearchAttributes(connection, other, ATTRIBUTES)));
  for (const r of racing) expect(Object.keys(ATTRIBUTES)).toEqual(expect.arrayContaining(r.added));
  expect(await listed(other)).toMatchObject({ ReportsQueue: 2, ReportsTitle: 1, ReportsCount: 3, ReportsScore: 4, ReportsLate: 5, ReportsDueAt: 6, ReportsTags: 7 });
  expect(await ensureSearchAttributes(connection, other, ATTRIBUTES)).toEqual({ added: [] });
});

it('refuses an attribute registered with another kind, naming it', async () => {
  await expect(registerSearchAttributes(ctx.temporal, { ReportsQueue: 'Int', ReportsLate: 'Bool' })).rejects.toThrow(
    `search attributes of namespace ${ctx.temporal.namespace}: ReportsQueue is Keyword, not Int`,
  );
});

it('connects to nothing when the manifest names no attribute', async () => {
  await expect(registerSearchAttributes({ address: '127.0.0.1:1', namespace: 'none' }, {})).resolves.toEqual({ added: [] });
});

it("registers nothing, and does not fail, on Temporal's time-skipping test server (no operator service)", async () => {
  const env = await timeSkippingEnv();
  try {
    await expect(ensureSearchAttributes(env.connection, env.namespace ?? 'default', { ReportsQueue: 'Keyword' })).resolves.toEqual({ added: [] });
  } finally {
    await env.teardown();
  }
}, 120_000);
