/**
 * Replay protection for authenticated datagrams. A sender stamps each datagram with its
 * incarnation (one per run) and a counter that grows with every datagram it sends. Per sender
 * this remembers the newest incarnation and which of the last `windowSize` counters below the
 * highest were seen, like the IPsec anti-replay window, so datagrams reordered by up to
 * `windowSize` still pass while each is accepted at most once.
 *
 * Call `check` only after the datagram's MAC verified: it records the counter as seen, and an
 * attacker must not be able to move a sender's window.
 */
import { RingError, RingErrorCode } from './errors.ts';
import type { DaemonName } from './packets.ts';

export type ReplayVerdict = 'fresh' | 'duplicate' | 'stale';

export interface ReplayWindowOptions {
  /** Counters remembered below the highest seen; a multiple of 32. */
  readonly windowSize?: number;
  /** Senders remembered; past it the one heard from least recently is forgotten. */
  readonly maxSenders?: number;
}

export const REPLAY_WINDOW_DEFAULTS = { windowSize: 1024, maxSenders: 1024 } as const;

interface SenderWindow {
  incarnation: number;
  highest: number;
  /** Bit `counter % windowSize` is set when that counter (within the window) was seen. */
  readonly seen: Uint32Array;
}

export class ReplayWindow {
  readonly #windowSize: number;
  readonly #maxSenders: number;
  /** In least-recently-fresh order: a fresh datagram moves its sender to the end. */
  readonly #senders = new Map<DaemonName, SenderWindow>();

  constructor(options: ReplayWindowOptions = {}) {
    const windowSize = options.windowSize ?? REPLAY_WINDOW_DEFAULTS.windowSize;
    const maxSenders = options.maxSenders ?? REPLAY_WINDOW_DEFAULTS.maxSenders;
    if (!Number.isSafeInteger(windowSize) || windowSize < 32 || windowSize % 32 !== 0) throw new RingError(RingErrorCode.BAD_OPTION, `windowSize ${windowSize} is not a positive multiple of 32`);
    if (!Number.isSafeInteger(maxSenders) || maxSenders < 1) throw new RingError(RingErrorCode.BAD_OPTION, `maxSenders ${maxSenders} is not a positive integer`);
    this.#windowSize = windowSize;
    this.#maxSenders = maxSenders;
  }

  /** Senders currently remembered. */
  get size(): number {
    return this.#senders.size;
  }

  /**
   * Classifies a datagram and, if fresh, records it. `stale`: an incarnation older than the
   * newest seen from this sender, or a counter that fell below the window. A newer incarnation
   * starts the sender's window afresh.
   */
  check(sender: DaemonName, incarnation: number, counter: number): ReplayVerdict {
    const window = this.#senders.get(sender);
    if (window === undefined || incarnation > window.incarnation) {
      this.#remember(sender, this.#newWindow(incarnation, counter));
      return 'fresh';
    }
    if (incarnation < window.incarnation) return 'stale';
    const verdict = this.#slide(window, counter);
    if (verdict === 'fresh') this.#remember(sender, window);
    return verdict;
  }

  /** Forgets a sender, so its next datagram is fresh whatever it carries. */
  forget(sender: DaemonName): void {
    this.#senders.delete(sender);
  }

  #slide(window: SenderWindow, counter: number): ReplayVerdict {
    if (counter > window.highest) {
      this.#clearBetween(window, window.highest, counter);
      window.highest = counter;
      setBit(window.seen, counter % this.#windowSize);
      return 'fresh';
    }
    if (window.highest - counter >= this.#windowSize) return 'stale';
    const bit = counter % this.#windowSize;
    if (hasBit(window.seen, bit)) return 'duplicate';
    setBit(window.seen, bit);
    return 'fresh';
  }

  /** Clears the bits of counters (from, to], which now enter the window unseen. */
  #clearBetween(window: SenderWindow, from: number, to: number): void {
    if (to - from >= this.#windowSize) {
      window.seen.fill(0);
      return;
    }
    for (let counter = from + 1; counter <= to; counter++) clearBit(window.seen, counter % this.#windowSize);
  }

  #newWindow(incarnation: number, counter: number): SenderWindow {
    const window: SenderWindow = { incarnation, highest: counter, seen: new Uint32Array(this.#windowSize / 32) };
    setBit(window.seen, counter % this.#windowSize);
    return window;
  }

  #remember(sender: DaemonName, window: SenderWindow): void {
    this.#senders.delete(sender);
    this.#senders.set(sender, window);
    if (this.#senders.size <= this.#maxSenders) return;
    const oldest = this.#senders.keys().next();
    if (oldest.done !== true) this.#senders.delete(oldest.value);
  }
}

function setBit(bits: Uint32Array, bit: number): void {
  bits[bit >>> 5] = (bits[bit >>> 5] as number) | (1 << (bit & 31));
}

function clearBit(bits: Uint32Array, bit: number): void {
  bits[bit >>> 5] = (bits[bit >>> 5] as number) & ~(1 << (bit & 31));
}

function hasBit(bits: Uint32Array, bit: number): boolean {
  return ((bits[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
}
