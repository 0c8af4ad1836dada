export { createLogger, type Logger } from './logger';
export { createMetricsRegistry, startMetricsServer, type MetricsServer } from './metrics';
