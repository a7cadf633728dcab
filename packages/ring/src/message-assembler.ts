import type { Entry } from './packets.ts';

/**
 * Rebuilds fragmented messages at delivery. Fragments of one message sit in consecutive
 * packets, so a fragment that does not continue the current message (a recovery gap cut
 * it) drops the partial one: every daemon that moves on together holds the same packets
 * and drops the same partial messages.
 */
export class MessageAssembler {
  #parts: Uint8Array[] = [];
  #next = 0;

  /** Returns the whole message this entry completes, or null. */
  add(entry: Entry): Uint8Array | null {
    if (entry.fragCount === 1) {
      this.reset();
      return entry.payload;
    }
    if (entry.fragIndex === 0) this.reset();
    if (entry.fragIndex !== this.#next) {
      this.reset();
      return null;
    }
    this.#parts.push(entry.payload);
    this.#next += 1;
    if (this.#next < entry.fragCount) return null;
    const whole = Buffer.concat(this.#parts);
    this.reset();
    return whole;
  }

  reset(): void {
    this.#parts = [];
    this.#next = 0;
  }
}
