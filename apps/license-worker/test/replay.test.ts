import { recordedHistories, replayHistory, testBundle } from '@fleet/tools-infra/testing';
import { HISTORIES_DIR } from './histories';
import './quiet-runtime';

const histories = recordedHistories(HISTORIES_DIR);

describe('replay of recorded license workflow histories', () => {
  it('has histories of every license workflow to replay', () => {
    expect([...new Set(histories.map((h) => h.type))].sort()).toEqual(['licenseDeactivationWorkflow', 'licenseRenewalRemindersWorkflow', 'licenseRenewalWorkflow']);
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s replays without a determinism error', async (file, h) => {
    await replayHistory(testBundle('license-worker'), file, h.history);
  });
});
