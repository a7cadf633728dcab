/**
 * Signals as `ringlog monitor` sees them: SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal went
 * away) end the monitor at once, with status 0 (a round in flight is not printed).
 */

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs `body` with an AbortSignal that stop signals abort; the handlers are removed after. */
export async function withMonitorSignals<T>(body: (stop: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  try {
    return await body(controller.signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
  }
}
