import { Runtime, type Logger as TemporalLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '@fleet/shared-observability';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the SDK's, workflows' and activities' log lines into the app's structured logger. */
export function pinoToTemporalLogger(logger: Logger): TemporalLogger {
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) => logger[levels[level]](meta ?? {}, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

/**
 * Installs the process-wide SDK runtime once: logs into pino, SDK metrics on Prometheus when a
 * bind address is given, and graceful worker shutdown on SIGINT and SIGTERM.
 */
export function installRuntime(logger: Logger, sdkMetricsBindAddress?: string): void {
  Runtime.install({
    logger: pinoToTemporalLogger(logger),
    telemetryOptions: sdkMetricsBindAddress ? { metrics: { prometheus: { bindAddress: sdkMetricsBindAddress } } } : {},
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
}
