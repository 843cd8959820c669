// Structured JSON logs, one line per event. A logger never receives secrets, session tokens or issued
// tokens by design (callers log codes, ids and sizes, not values); as a second line of defence the
// writer masks any field whose name says it holds one, and any string that looks like a bearer token,
// a userSig, a COS signature, a Tencent SecretId or an STS session token.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (for example the request id). */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SENSITIVE_NAME =
  /secret|password|token|authorization|signature|usersig|privatemapkey|privatekey|credential|cookie/i;
const SENSITIVE_VALUE = [
  /\bBearer\s+\S+/gi, // session tokens
  /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, // any JWT
  /\beJ[\w*-]{40,}/g, // Tencent tickets (zlib 78 9c in Tencent base64)
  /q-signature=[0-9a-f]+/gi, // COS signatures
  /\bAKID[A-Za-z0-9_-]{16,}/g, // Tencent SecretIds, temporary ones (TmpSecretId) included
  // Opaque runs this long: STS session tokens (SecurityToken). Without "/" and ".", so that object keys
  // and paths in the audit lines stay readable.
  /[A-Za-z0-9+_=*-]{100,}/g,
];
const MASK = '[redacted]';

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return SENSITIVE_VALUE.reduce((text, pattern) => text.replace(pattern, MASK), value);
  }
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redact(value.message, depth + 1),
      ...('code' in value ? { code: value.code } : {}),
    };
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SENSITIVE_NAME.test(key) ? MASK : redact(item, depth + 1),
    ]),
  );
}

interface LoggerSettings {
  readonly threshold: number;
  readonly write: (line: string) => void;
  readonly now: () => number;
}

// A class so that child(), called once per request, allocates one small object: it keeps a link to its
// parent instead of merging fields, which happens only when a line is actually written.
class JsonLinesLogger implements Logger {
  constructor(
    private readonly settings: LoggerSettings,
    private readonly fields: LogFields,
    private readonly parent?: JsonLinesLogger,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.emit('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.emit('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.emit('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.emit('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLinesLogger(this.settings, fields, this);
  }

  private allFields(): LogFields {
    return this.parent ? { ...this.parent.allFields(), ...this.fields } : this.fields;
  }

  private emit(level: LogLevel, message: string, fields?: LogFields): void {
    if (RANK[level] < this.settings.threshold) return;
    const record = {
      level,
      time: new Date(this.settings.now()).toISOString(),
      message,
      ...this.allFields(),
      ...fields,
    };
    this.settings.write(JSON.stringify(redact(record)));
  }
}

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info' }).child({ requestId });
 * log.warn('secret fetch failed', { attempt: 2, code: 'ThrottlingException' });
 * ```
 */
export function createLogger(options: {
  level: LogLevel;
  base?: LogFields;
  write?: (line: string) => void;
  now?: () => number;
}): Logger {
  const settings: LoggerSettings = {
    threshold: RANK[options.level],
    write: options.write ?? ((line: string) => process.stdout.write(`${line}\n`)),
    now: options.now ?? Date.now,
  };
  return new JsonLinesLogger(settings, options.base ?? {});
}
