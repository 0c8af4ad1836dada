/** A workflow that validates with the preloaded validators, to prove they work shared and frozen (see workflow-validators.test.ts). */
import { checkWorkflowInput, parseTicketWorkflowInput, parseWorkflowInput, ticketSearchAttributes, type WorkflowInputKind } from '../src/workflow';

export type ValidationCase = [WorkflowInputKind | 'workflow', unknown];
export type Outcome = { ok: true; data: unknown } | { ok: false; error: string };

/** Each case checked as an Update validator checks it (or as the lifecycle workflow parses its input), and parsed as a handler does. */
export function validate(cases: ValidationCase[]): { outcomes: Outcome[]; parsed: Outcome[] } {
  const outcome = (fn: () => unknown): Outcome => {
    try {
      return { ok: true, data: fn() };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  };
  return {
    outcomes: cases.map(([kind, arg]) => outcome(() => (kind === 'workflow' ? parseTicketWorkflowInput(arg) : checkWorkflowInput(kind, arg, kind === 'setConfig' ? 'config' : 'input')))),
    parsed: cases.map(([kind, arg]) => outcome(() => parseWorkflowInput(kind === 'workflow' ? 'create' : kind, arg))),
  };
}

export async function validationProbe(cases: ValidationCase[]): Promise<{ frozen: boolean; outcomes: Outcome[]; parsed: Outcome[] }> {
  return { frozen: Object.isFrozen(ticketSearchAttributes), ...validate(cases) };
}
