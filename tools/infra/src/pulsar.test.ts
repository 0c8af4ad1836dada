import { javaAvailable, PulsarUnavailableError, startPulsarStandalone } from './pulsar';

describe('without Java', () => {
  const noJava = { ...process.env, PATH: '/nonexistent' };

  it('is detected', () => {
    expect(javaAvailable(noJava)).toBe(false);
    expect(javaAvailable()).toBe(true);
  });

  it('makes Pulsar report itself unavailable, which the start command turns into a notice', async () => {
    await expect(
      startPulsarStandalone({ dir: '/tmp/unused', webPort: 1, brokerPort: 2, logFile: '/tmp/unused.log', env: noJava }),
    ).rejects.toBeInstanceOf(PulsarUnavailableError);
  });
});
