export { ConfigError, parseEnv, envSchemas } from './env';
