import { Logger } from '@aws-lambda-powertools/logger';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

import { correlationId } from './correlation';
import { SERVICE_NAME as SERVICE } from './resources';

// Powertools adds these to every entry; in a terminal they are noise.
const QUIET = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate', 'xray_trace_id']);

/**
 * The local runtime's logger: same Powertools API and keys, printed as one readable line
 * (`21:40:19.123 INFO  message key=value`) instead of a JSON document.
 */
class ReadableLogger extends Logger {
  protected override createLogger(options?: ConstructorParameters<typeof Logger>[0]): Logger {
    return new ReadableLogger(options);
  }

  protected override printLog(logLevel: number, log: Parameters<Logger['printLog']>[1]): void {
    withCorrelationKey(log);
    log.prepareForPrint();
    const a = log.getAttributes() as Record<string, unknown>;
    const level = String(a.level ?? '').padEnd(5);
    const time = String(a.timestamp ?? new Date().toISOString()).slice(11, 23);
    const extras = Object.entries(a)
      .filter(([k]) => !QUIET.has(k))
      .map(([k, v]) => `${k}=${printable(v)}`)
      .join(' ');
    const line = `${time} ${level} ${String(a.message ?? '')}${extras ? ` ${extras}` : ''}\n`;
    (logLevel >= 16 ? process.stderr : process.stdout).write(line);
  }
}

/** Errors print as their name, message and first stack frame (JSON.stringify gives `{}` for them). */
function printable(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) {
    const frame = value.stack
      ?.split('\n')
      .find((l) => l.trim().startsWith('at '))
      ?.trim();
    return `${value.name}: ${value.message}${frame ? ` (${frame})` : ''}`;
  }
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
}

/** Every line carries the correlation id of the work it is written for (functions/correlation.ts). */
function withCorrelationKey(log: Parameters<Logger['printLog']>[1]): void {
  const id = correlationId();
  if (id && log.getAttributes().correlationId === undefined) log.addAttributes({ correlationId: id });
}

/** The Lambda functions' logger: Powertools' JSON lines, with the correlation id of the current work. */
class CorrelatedLogger extends Logger {
  protected override createLogger(options?: ConstructorParameters<typeof Logger>[0]): Logger {
    return new CorrelatedLogger(options);
  }

  protected override printLog(logLevel: number, log: Parameters<Logger['printLog']>[1]): void {
    withCorrelationKey(log);
    super.printLog(logLevel, log);
  }
}

export function createLogger(options: { level?: LogLevel; readable?: boolean } = {}): Logger {
  const settings = { serviceName: SERVICE, ...(options.level ? { logLevel: options.level } : {}) };
  return options.readable ? new ReadableLogger(settings) : new CorrelatedLogger(settings);
}

export type { Logger };
