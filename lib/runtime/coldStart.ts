import { loadConfig } from '../config';
import { createLogger } from '../log/logger';

// What every function does once per container, before its first request: read the configuration
// (failing loudly on a bad one) and create the logger. Kept in one module so the functions stay thin.

/** The configuration of this container, parsed once at cold start. */
export const config = loadConfig(process.env);

/** The container's logger; requests log through children that carry the request id. */
export const logger = createLogger({ level: config.logLevel, base: { stage: config.stage } });
