import { afterEach, describe, expect, it } from 'vitest';
import { ReconnectExhaustedError, ReconnectingSession, SpreadConnectError, type ReconnectStatus, type SpreadEvent } from '../src/index.ts';
import { backoffDelayMs, resolveBackoff, startFakeDaemon, type FakeDaemon } from '../src/internal.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PATH = `/tmp/ringlog-reconnect-test-${process.pid}.sock`;

async function daemon(): Promise<FakeDaemon> {
  const fake = await startFakeDaemon({ unixPath: PATH });
  cleanups.push(() => fake.close());
  return fake;
}

function reconnecting(options: Partial<ConstructorParameters<typeof ReconnectingSession>[0]> = {}): ReconnectingSession {
  const session = new ReconnectingSession({ endpoint: `unix:${PATH}`, name: 're', reconnect: { initialDelayMs: 10, maxDelayMs: 40, jitter: 0 }, ...options });
  cleanups.push(() => session.close());
  return session;
}

function collect(session: ReconnectingSession): ReconnectStatus[] {
  const statuses: ReconnectStatus[] = [];
  void (async () => {
    for await (const status of session.status()) statuses.push(status);
  })();
  return statuses;
}

async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('backoff', () => {
  it('backoff - doubles from the initial delay up to the cap', () => {
    const backoff = resolveBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(backoff, attempt))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('backoff - jitter spreads each delay by at most the fraction', () => {
    const low = resolveBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 0 });
    const high = resolveBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 0.999999 });
    expect(backoffDelayMs(low, 2)).toBe(100);
    expect(backoffDelayMs(high, 2)).toBe(300);
    expect(backoffDelayMs(high, 9)).toBe(1000);
  });

  it('backoff - rejects nonsense options', () => {
    expect(() => resolveBackoff({ jitter: 2 })).toThrow(/jitter/);
    expect(() => resolveBackoff({ attemptsMax: 0 })).toThrow(/attemptsMax/);
    expect(() => resolveBackoff({ initialDelayMs: 10, maxDelayMs: 5 })).toThrow(/maxDelayMs/);
  });
});

describe('ReconnectingSession', () => {
  it('reconnect - redials after a drop and rejoins its groups', async () => {
    const fake = await daemon();
    const session = reconnecting();
    const statuses = collect(session);
    const events: SpreadEvent[] = [];
    session.onEvent((event) => events.push(event));
    const first = await session.ready();
    session.join('logs');
    await until(() => fake.members('logs').length === 1);
    fake.dropAll();
    await until(() => statuses.filter((s) => s.type === 'connected').length === 2);
    await until(() => fake.members('logs').includes('#re#localhost'));
    const second = await session.ready();
    expect(second).not.toBe(first);
    expect(statuses.map((s) => s.type)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting', 'connecting', 'connected']);
    const reconnect = statuses[3] as Extract<ReconnectStatus, { type: 'reconnecting' }>;
    expect(reconnect.delayMs).toBe(10);
    expect(reconnect.cause).toBeInstanceOf(Error);
    // The fake lists the member before the join's membership message reaches the client.
    await until(() => events.filter((e) => e.type === 'membership').length >= 2);
    expect(events.filter((e) => e.type === 'membership').length).toBe(2);
    await session.multicast({ service: 'AGREED', groups: 'logs', data: 'after reconnect' });
    await until(() => events.some((e) => e.type === 'message'));
  });

  it('reconnect - keeps dialing with growing delays until the daemon is back', async () => {
    const session = reconnecting();
    const statuses = collect(session);
    await until(() => statuses.filter((s) => s.type === 'reconnecting').length >= 3);
    const delays = statuses.flatMap((s) => (s.type === 'reconnecting' ? [s.delayMs] : []));
    expect(delays.slice(0, 3)).toEqual([10, 20, 40]);
    const failure = statuses.find((s) => s.type === 'reconnecting') as Extract<ReconnectStatus, { type: 'reconnecting' }>;
    expect(failure.cause).toBeInstanceOf(SpreadConnectError);
    expect(() => session.multicastNow({ service: 'AGREED', groups: 'g', data: '' })).toThrow(/No live connection/);
    await daemon();
    const live = await session.ready();
    expect(live.privateGroup).toBe('#re#localhost');
  });

  it('reconnect - gives up after attemptsMax with the last failure as cause', async () => {
    const session = reconnecting({ reconnect: { initialDelayMs: 1, maxDelayMs: 2, attemptsMax: 3 } });
    const statuses = collect(session);
    const error = await session.closed();
    expect(error).toBeInstanceOf(ReconnectExhaustedError);
    expect((error as ReconnectExhaustedError).code).toBe('RL_CLIENT_RECONNECT_EXHAUSTED');
    expect((error as ReconnectExhaustedError).cause).toBeInstanceOf(SpreadConnectError);
    await until(() => statuses.at(-1)?.type === 'closed');
    expect(statuses.filter((s) => s.type === 'connecting').length).toBe(3);
    await expect(session.ready()).rejects.toThrow();
  });

  it('reconnect - an illegal-name reject is final, not retried', async () => {
    await daemon();
    const session = reconnecting({ name: 'a#b' });
    const error = await session.closed();
    expect((error as SpreadConnectError).spreadCode).toBe(-5);
  });

  it('reconnect - close() during backoff ends the loop', async () => {
    const session = reconnecting({ reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000 } });
    const statuses = collect(session);
    await until(() => statuses.some((s) => s.type === 'reconnecting'));
    await session.close();
    expect(await session.closed()).toBeUndefined();
  });
});
