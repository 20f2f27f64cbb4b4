// The provider logs through the project's one logger (src/util/logger): JSON lines that scrub anything shaped like a
// token. Re-exported here so the provider's public surface (`createJsonLogger` from 'src/provider') stays as it was.
export { createJsonLogger, isLogLevel, silentLogger } from '../util/logger';
export type { JsonLoggerOptions, LogFields, LogLevel, Logger } from '../util/logger';
