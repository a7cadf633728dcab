/**
 * Signals as the piped-log helper sees them. SIGTERM (Apache stopping or restarting) and SIGINT
 * end it like end of input: drain for a bounded time, keep the rest in the spool file. SIGHUP
 * and SIGUSR1 reach the whole process group on Apache restarts; their default action would
 * kill the helper and lose the lines it holds in memory, so they are ignored.
 */

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const IGNORED_SIGNALS = ['SIGHUP', 'SIGUSR1'] as const;

/** Runs `body` with an AbortSignal that stop signals abort; the handlers are removed after. */
export async function withStopSignals<T>(body: (stop: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  const ignore = (): void => {};
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  for (const signal of IGNORED_SIGNALS) process.on(signal, ignore);
  try {
    return await body(controller.signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
    for (const signal of IGNORED_SIGNALS) process.off(signal, ignore);
  }
}
