import type { Entry } from './packets.ts';

/** Bytes an entry costs in a packet beyond its payload (flags, fragment fields, length). */
export const ENTRY_OVERHEAD_BYTES = 12;

interface PendingMessage {
  readonly safe: boolean;
  readonly payload: Uint8Array;
}

/**
 * Client messages waiting for the token, and their packing into packets. A message larger
 * than a packet is cut into fragments that leave in consecutive packets of one token visit,
 * so no other daemon's packet falls between them and reassembly needs no per-message ids.
 */
export class MessagePacker {
  readonly #queue: PendingMessage[] = [];
  #head = 0;
  readonly #packetBytes: number;

  constructor(packetBytes: number) {
    this.#packetBytes = packetBytes;
  }

  get length(): number {
    return this.#queue.length - this.#head;
  }

  push(payload: Uint8Array, safe: boolean): void {
    this.#queue.push({ safe, payload });
  }

  /** Puts a message before every other one (the daemon's group state after a new ring). */
  pushFront(payload: Uint8Array, safe: boolean): void {
    this.#compact();
    this.#queue.unshift({ safe, payload });
  }

  /**
   * Takes up to `packetsMax` packets' worth of entries. The last message taken is always
   * whole: a fragmented message may run past `packetsMax`.
   */
  take(packetsMax: number): Entry[][] {
    const packets: Entry[][] = [];
    let current: Entry[] = [];
    let used = 0;
    const room = this.#packetBytes - ENTRY_OVERHEAD_BYTES;
    while (this.length > 0) {
      const message = this.#queue[this.#head]!;
      const cost = message.payload.length + ENTRY_OVERHEAD_BYTES;
      if (cost <= this.#packetBytes) {
        if (used + cost > this.#packetBytes) {
          packets.push(current);
          current = [];
          used = 0;
          if (packets.length >= packetsMax) break;
        }
        current.push({ safe: message.safe, fragIndex: 0, fragCount: 1, payload: message.payload });
        used += cost;
        this.#head += 1;
        continue;
      }
      if (current.length > 0) {
        packets.push(current);
        current = [];
        used = 0;
        if (packets.length >= packetsMax) break;
      }
      const fragCount = Math.ceil(message.payload.length / room);
      for (let index = 0; index < fragCount; index += 1) {
        const payload = message.payload.subarray(index * room, Math.min(message.payload.length, (index + 1) * room));
        packets.push([{ safe: message.safe, fragIndex: index, fragCount, payload }]);
      }
      this.#head += 1;
      if (packets.length >= packetsMax) break;
    }
    if (current.length > 0) packets.push(current);
    this.#compact();
    return packets;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    } else if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
  }
}
