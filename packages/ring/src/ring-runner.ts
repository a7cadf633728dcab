/**
 * Runs a RingNode in a real process: feeds it packets from a transport, client submissions
 * and the clock, sends what it outputs, hands its events to one consumer, and arms one timer
 * for its next deadline. This is the only part of the ring with side effects besides the
 * transport itself.
 */
import type { DaemonName, RingPacket } from './packets.ts';
import type { RingNode } from './ring-node.ts';
import type { RingEvent } from './ring-output.ts';

export interface RingTransport {
  /** Sends a node's output; `first` (the token's next holder) may be served first. */
  sendBatch(sends: readonly { readonly to: readonly DaemonName[]; readonly packet: RingPacket }[], first: DaemonName | null): void;
}

export type RingEventHandler = (event: RingEvent) => void;

export class RingRunner {
  readonly node: RingNode;
  readonly #transport: RingTransport;
  readonly #nowMs: () => number;
  #handler: RingEventHandler | null = null;
  #timer: NodeJS.Timeout | null = null;
  #timerAtMs = Infinity;
  #closed = false;
  #flushing = false;
  /** Events that came before a consumer registered (the first configuration, say). */
  #early: RingEvent[] = [];

  constructor(node: RingNode, transport: RingTransport, nowMs: () => number = () => performance.timeOrigin + performance.now()) {
    this.node = node;
    this.#transport = transport;
    this.#nowMs = nowMs;
    this.#flush();
  }

  onEvent(handler: RingEventHandler): void {
    this.#handler = handler;
    const early = this.#early;
    this.#early = [];
    for (const event of early) handler(event);
  }

  /** Called by the transport for every authenticated packet. */
  receive(packet: RingPacket): void {
    if (this.#closed) return;
    this.node.receive(packet, this.#nowMs());
    this.#flush();
  }

  submit(payload: Uint8Array, safe: boolean): void {
    if (this.#closed) return;
    this.node.submit(payload, safe, this.#nowMs());
    this.#flush();
  }

  submitFirst(payload: Uint8Array, safe: boolean): void {
    if (this.#closed) return;
    this.node.submitFirst(payload, safe, this.#nowMs());
    this.#flush();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#handler = null;
  }

  #tick = (): void => {
    this.#timer = null;
    this.#timerAtMs = Infinity;
    if (this.#closed) return;
    this.node.tick(this.#nowMs());
    this.#flush();
  };

  #flush(): void {
    // A consumer may submit while handling an event; its output waits for this loop so events
    // keep their order.
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      for (let output = this.node.takeOutput(); output.sends.length + output.events.length > 0; output = this.node.takeOutput()) {
        if (output.sends.length > 0) this.#transport.sendBatch(output.sends, this.node.successor);
        for (const event of output.events) {
          if (this.#handler === null) this.#early.push(event);
          else this.#handler(event);
        }
      }
    } finally {
      this.#flushing = false;
    }
    if (!this.#closed) this.#arm();
  }

  #arm(): void {
    const deadline = this.node.nextDeadlineMs;
    if (deadline === Infinity || deadline >= this.#timerAtMs) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerAtMs = deadline;
    this.#timer = setTimeout(this.#tick, Math.max(0, deadline - this.#nowMs()));
  }
}
