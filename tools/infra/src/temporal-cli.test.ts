import { resolveTemporalCli } from './temporal-cli';

describe('resolveTemporalCli', () => {
  const saved = process.env.TEMPORAL_CLI_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEMPORAL_CLI_PATH;
    else process.env.TEMPORAL_CLI_PATH = saved;
  });

  it('uses TEMPORAL_CLI_PATH first', () => {
    process.env.TEMPORAL_CLI_PATH = process.execPath;
    expect(resolveTemporalCli()).toBe(process.execPath);
  });

  it('names the variable when it points at nothing runnable', () => {
    process.env.TEMPORAL_CLI_PATH = '/nonexistent/temporal';
    expect(() => resolveTemporalCli()).toThrow('TEMPORAL_CLI_PATH=/nonexistent/temporal is not an executable file');
  });
});
