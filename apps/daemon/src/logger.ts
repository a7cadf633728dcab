/** ringlogd's own log: pino JSON lines to standard error or to a file that SIGHUP reopens. */
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';

export interface DaemonLog {
  readonly logger: Logger;
  /** Reopens the log file (after logrotate moved it); a no-op for standard error. */
  reopen(): void;
  flush(): void;
}

export function openDaemonLog(level: string, file: string): DaemonLog {
  if (file === '') {
    const logger = pino({ level, base: { name: 'ringlogd' } }, pino.destination({ fd: 2, sync: true }));
    return { logger, reopen: () => undefined, flush: () => undefined };
  }
  const path = file.replaceAll(/%[hH]/g, hostname());
  const destination = pino.destination({ dest: path, mkdir: true, sync: false });
  const logger = pino({ level, base: { name: 'ringlogd' } }, destination);
  return { logger, reopen: () => destination.reopen(), flush: () => destination.flushSync() };
}
