import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { testEnv } from '@fleet/tools-infra/testing';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HISTORIES_DIR } from './histories';
import './quiet-runtime';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

describe('replay of recorded license workflow histories', () => {
  it('has histories of every license workflow to replay', () => {
    const types = new Set(
      files.map((f) => {
        const history = JSON.parse(readFileSync(path.join(HISTORIES_DIR, f), 'utf8'));
        return history.events[0].workflowExecutionStartedEventAttributes.workflowType.name as string;
      }),
    );
    expect([...types].sort()).toEqual(['licenseDeactivationWorkflow', 'licenseRenewalRemindersWorkflow', 'licenseRenewalWorkflow']);
  });

  it.each(files)('%s replays without a determinism error', async (file) => {
    // Saved with the proto's own toJSON (see recordHistory), so fromObject reads it back exactly.
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: testEnv('licenseBundle') }, replayName: file },
      history,
      file,
    );
  });
});
