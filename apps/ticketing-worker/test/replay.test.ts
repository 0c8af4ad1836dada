import { ticketingDomain } from '@fleet/ticketing-contracts';
import { recordedHistories, replayHistory, testBundle } from '@fleet/tools-infra/testing';
import { HISTORIES_DIR } from './histories';
import './quiet-runtime';

const histories = recordedHistories(HISTORIES_DIR);

describe('replay of recorded ticketing workflow histories', () => {
  it('has a recorded history of every workflow of the domain (record: FLEET_RECORD_HISTORIES=1 npx jest apps/ticketing-worker)', () => {
    const types = Object.values(ticketingDomain.workflows).map((w) => w.type);
    expect([...new Set(histories.map((h) => h.type))].sort()).toEqual(types.sort());
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s replays without a determinism error', async (file, h) => {
    await replayHistory(testBundle('ticketing-worker'), file, h.history);
  });
});
