import { recordedHistories, replayHistory, testBundle } from '@fleet/tools-infra/testing';
import { HISTORIES_DIR } from './histories';
import './quiet-runtime';

const histories = recordedHistories(HISTORIES_DIR);

describe('replay of recorded vsync workflow histories', () => {
  it('has histories of both vsync workflows to replay', () => {
    expect([...new Set(histories.map((h) => h.type))].sort()).toEqual(['vsyncReconciliationWorkflow', 'vsyncVerificationWorkflow']);
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s replays without a determinism error', async (file, h) => {
    await replayHistory(testBundle('vsync-worker'), file, h.history);
  });
});
