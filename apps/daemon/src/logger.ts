/** A ringlog program's own log: pino JSON lines to standard error or to a file that SIGHUP reopens. */
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';

export interface DaemonLog {
  readonly logger: Logger;
  /** Reopens the log file (after logrotate moved it); a no-op for standard error. */
  reopen(): void;
  flush(): void;
}

/** `name` is the program (`ringlogd`, `ringlog-collector`), written into every line. */
export function openDaemonLog(level: string, file: string, name = 'ringlogd'): DaemonLog {
  if (file === '') {
    const logger = pino({ level, base: { name } }, pino.destination({ fd: 2, sync: true }));
    return { logger, reopen: () => undefined, flush: () => undefined };
  }
  const path = file.replaceAll(/%[hH]/g, hostname());
  const destination = pino.destination({ dest: path, mkdir: true, sync: false });
  const logger = pino({ level, base: { name } }, destination);
  return { logger, reopen: () => destination.reopen(), flush: () => flushWhenOpen(destination) };
}

/**
 * flushSync throws while sonic-boom is still opening the file (a stop right after start); what
 * it buffered meanwhile is written once the file opens, so there is nothing to force yet.
 */
function flushWhenOpen(destination: ReturnType<typeof pino.destination>): void {
  if ((destination as unknown as { fd: number }).fd >= 0) destination.flushSync();
}
