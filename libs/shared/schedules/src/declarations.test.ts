import path from 'node:path';
import { z } from 'zod';
import { declarationFileName, DeclarationError, parseDeclarations, type DeclarationProblem } from './declarations';

const schemas = {
  reportWorkflow: z.object({ dryRun: z.boolean().optional(), days: z.number().int().min(1).optional() }).strict(),
};

const valid = `
project: reports-worker
workflows:
  - id: nightly-report
    type: reportWorkflow
    task_queue: reports
    schedule:
      cron: "30 2 * * 1-5"
      timezone: Asia/Kolkata
      jitter: 5m
      overlap_policy: buffer_one
      catchup_window: 1d
      pause_on_failure: true
      start_at: 2026-01-01T00:00:00Z
      end_at: 2027-01-01T00:00:00Z
      input: { days: 7 }
  - id: every-half-hour
    type: reportWorkflow
    task_queue: reports
    schedule:
      cron: "@every 30m"
  - id: hourly
    type: reportWorkflow
    task_queue: reports
    schedule: { cron: "@hourly", enabled: false }
  - id: not-scheduled
    type: reportWorkflow
    task_queue: reports
`;

function problemsOf(text: string, file = 'apps/reports/workflows.yaml'): DeclarationProblem[] {
  try {
    parseDeclarations([{ file, text }], schemas);
  } catch (err) {
    expect(err).toBeInstanceOf(DeclarationError);
    return (err as DeclarationError).problems;
  }
  throw new Error('expected the declarations to be refused');
}

const oneSchedule = (schedule: string) => `project: reports-worker
workflows:
  - id: nightly-report
    type: reportWorkflow
    task_queue: reports
    schedule:
${schedule
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`;

describe('parseDeclarations', () => {
  it('reads every field of a schedule block, with defaults', () => {
    const [nightly, every, hourly, ...rest] = parseDeclarations([{ file: 'w.yaml', text: valid }], schemas);
    expect(rest).toEqual([]);
    expect(nightly).toMatchObject({
      project: 'reports-worker',
      workflowId: 'nightly-report',
      workflowType: 'reportWorkflow',
      taskQueue: 'reports',
      spec: { kind: 'cron', expression: '30 2 * * 1-5' },
      timezone: 'Asia/Kolkata',
      enabled: true,
      jitterMs: 300_000,
      overlapPolicy: 'buffer_one',
      catchupWindowMs: 86_400_000,
      pauseOnFailure: true,
      startAt: new Date('2026-01-01T00:00:00Z'),
      endAt: new Date('2027-01-01T00:00:00Z'),
      input: { days: 7 },
    });
    expect(every).toMatchObject({ spec: { kind: 'every', everyMs: 1_800_000 }, timezone: 'UTC', overlapPolicy: 'skip', enabled: true });
    expect(hourly).toMatchObject({ spec: { kind: 'cron', expression: '@hourly' }, enabled: false });
  });

  it.each([
    ['cron: "61 2 * * *"', 'workflows[0].schedule.cron', /invalid cron "61 2 \* \* \*"/],
    ['cron: "0 2 * *"', 'workflows[0].schedule.cron', /expected 5 fields/],
    ['cron: "@fortnightly"', 'workflows[0].schedule.cron', /unknown macro/],
    ['cron: "@every soon"', 'workflows[0].schedule.cron', /@every takes a duration/],
    ['cron: "0 2 * * *"\ntimezone: Mars/Olympus', 'workflows[0].schedule.timezone', /unknown IANA time zone/],
    ['cron: "0 2 * * *"\noverlap_policy: sometimes', 'workflows[0].schedule.overlap_policy', /unknown overlap policy/],
    ['cron: "0 2 * * *"\nstart_at: 2026-02-01T00:00:00Z\nend_at: 2026-01-01T00:00:00Z', 'workflows[0].schedule.end_at', /end_at is not after start_at/],
    ['cron: "0 2 * * *"\njitter: a bit', 'workflows[0].schedule.jitter', /expected a duration/],
    ['cron: "0 2 * * *"\ninput: { days: 0 }', 'workflows[0].schedule.input.days', /bad input/],
    ['cron: "0 2 * * *"\ninput: { cursor: x }', 'workflows[0].schedule.input', /bad input: unknown field cursor/],
    ['cron: "0 2 * * *"\ncolour: blue', 'workflows[0].schedule', /unknown field colour/],
  ])('refuses %j, naming %s', (block, path, reason) => {
    const problems = problemsOf(oneSchedule(block));
    expect(problems).toEqual([expect.objectContaining({ file: 'apps/reports/workflows.yaml', path, reason: expect.stringMatching(reason) })]);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(4);
  });

  it('names the line of the offending value', () => {
    const [problem] = problemsOf(oneSchedule('cron: "0 2 * * *"\ntimezone: Nowhere/Town'));
    expect(problem).toMatchObject({ path: 'workflows[0].schedule.timezone', line: 8 });
  });

  it('refuses an unknown workflow type and a schedule declared twice', () => {
    const text = `project: reports-worker
workflows:
  - { id: a, type: nopeWorkflow, task_queue: q, schedule: { cron: "@daily" } }
  - { id: b, type: reportWorkflow, task_queue: q, schedule: { cron: "@daily" } }
  - { id: b, type: reportWorkflow, task_queue: q, schedule: { cron: "@daily" } }
`;
    expect(problemsOf(text).map((p) => [p.path, p.reason])).toEqual([
      ['workflows[0].type', 'unknown workflow type nopeWorkflow'],
      ['workflows[2].id', 'b is declared twice for reports-worker (also in apps/reports/workflows.yaml)'],
    ]);
  });

  it("a worker's own file: refuses another project, a task queue its worker does not poll, and a memo too large", () => {
    const rules = { project: 'reports-worker', taskQueues: ['reports'] };
    const problems = (text: string) => {
      try {
        parseDeclarations([{ file: 'apps/reports/workflows.yaml', text }], schemas, rules);
      } catch (err) {
        return (err as DeclarationError).problems.map((p) => `${p.line}: ${p.path}: ${p.reason}`);
      }
      return [];
    };
    expect(problems(valid)).toEqual([]);
    expect(problems(valid.replace('project: reports-worker', 'project: billing-worker'))).toEqual(["2: project: billing-worker is not this worker's project (reports-worker)"]);
    expect(problems(oneSchedule('cron: "@daily"').replace('task_queue: reports', 'task_queue: elsewhere'))).toEqual([
      "5: workflows[0].task_queue: elsewhere is not a task queue of reports-worker's worker (reports)",
    ]);
    const bigSchemas = { reportWorkflow: z.object({ note: z.string() }).strict() };
    expect(() => parseDeclarations([{ file: 'w.yaml', text: oneSchedule(`cron: "@daily"\ninput: { note: ${'x'.repeat(3000)} }`) }], bigSchemas)).toThrow(
      /w\.yaml:7: workflows\[0\]\.schedule: the declaration takes \d+ bytes in the schedule's memo, more than 2048: keep its input small/,
    );
  });

  it('names files relative to the repository', () => {
    expect(declarationFileName(path.join(__dirname, '..', '..', '..', '..', 'apps', 'license-worker', 'workflows.yaml'))).toBe('apps/license-worker/workflows.yaml');
    expect(declarationFileName('/nowhere/workflows.yaml')).toBe('/nowhere/workflows.yaml');
  });

  it('refuses a file that is not YAML, and reports every file at once', () => {
    let error: DeclarationError | undefined;
    try {
      parseDeclarations(
        [
          { file: 'good.yaml', text: valid },
          { file: 'broken.yaml', text: 'project: [unclosed' },
          { file: 'bad.yaml', text: oneSchedule('cron: "0 25 * * *"') },
        ],
        schemas,
      );
    } catch (err) {
      error = err as DeclarationError;
    }
    expect(error?.problems.map((p) => p.file)).toEqual(['broken.yaml', 'bad.yaml']);
    expect(error?.message).toMatch(/^broken\.yaml:1: \(document\): not valid YAML/);
    expect(error?.message).toMatch(/bad\.yaml:7: workflows\[0\]\.schedule\.cron: invalid cron/);
  });
});
