/**
 * Signals of a ringlog service: SIGTERM and SIGINT stop it cleanly once (exit 0, or 1 if the
 * stop failed); SIGHUP reopens its files. Deep code sets process.exitCode; this is the one
 * place that exits, a moment after the stop so pino can flush.
 */
import type { Logger } from 'pino';

export interface StoppableService {
  readonly logger: Logger;
  stop(reason: string): Promise<void>;
  reopen(): Promise<void>;
}

const EXIT_DELAY_MS = 100;

export function installServiceSignals(service: StoppableService, reopenedMessage: string): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    service.stop(signal).then(
      () => exitSoon(0),
      (error: unknown) => {
        service.logger.fatal({ error: (error as Error).message }, 'Shutdown failed');
        exitSoon(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.on('SIGHUP', () => {
    service.reopen().then(
      () => service.logger.info(reopenedMessage),
      (error: unknown) => service.logger.error({ error: (error as Error).message }, 'Reopen on SIGHUP failed'),
    );
  });
}

function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(), EXIT_DELAY_MS).unref();
}
