import { campaignsDomain } from '@fleet/campaigns-contracts';
import { recordedHistories, replayHistory, testBundle } from '@fleet/tools-infra/testing';
import { HISTORIES_DIR } from './histories';
import './quiet-runtime';

const histories = recordedHistories(HISTORIES_DIR);

describe('replay of recorded campaigns workflow histories', () => {
  it('has a recorded history of every workflow of the domain (record: FLEET_RECORD_HISTORIES=1 npx jest apps/campaign-worker)', () => {
    const types = Object.values(campaignsDomain.workflows).map((w) => w.type);
    expect([...new Set(histories.map((h) => h.type))].sort()).toEqual(types.sort());
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s replays without a determinism error', async (file, h) => {
    await replayHistory(testBundle('campaign-worker'), file, h.history);
  });
});
