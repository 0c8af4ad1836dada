import { javaAvailable, PulsarUnavailableError, startPulsarStandalone } from './pulsar';

describe('without Java', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('Pulsar reports itself unavailable instead of failing the start', async () => {
    process.env.PATH = '/nonexistent';
    expect(javaAvailable()).toBe(false);
    await expect(startPulsarStandalone({ dir: '/tmp/unused', webPort: 1, brokerPort: 2, logFile: '/tmp/unused.log' })).rejects.toBeInstanceOf(
      PulsarUnavailableError,
    );
  });
});
