/**
 * spuser's receive side: one puller over the session's events. With asynchronous read on
 * (the default, 'e') every event is printed as it arrives; with it off ('d') the puller
 * stops, the session's queue fills and its socket pauses, until 'r' asks for one event.
 */
import type { Writable } from 'node:stream';
import type { SpreadEvent } from '@ringlog/client';
import { formatEvent, SEPARATOR } from './user-output.ts';

const HEADER_BYTES = 48;
const NAME_BYTES = 32;

/** The size the event had on the wire, as SP_poll would have counted it. */
export function eventWireBytes(event: SpreadEvent): number {
  switch (event.type) {
    case 'message':
      return HEADER_BYTES + NAME_BYTES * event.groups.length + event.data.length;
    case 'reject':
      return HEADER_BYTES + 4 + NAME_BYTES * event.groups.length + event.data.length;
    case 'membership':
      return HEADER_BYTES + NAME_BYTES * event.members.length + 20 + event.vsSets.reduce((sum, set) => sum + 4 + NAME_BYTES * set.length, 0);
    case 'transition':
      return HEADER_BYTES + 12;
    case 'self-leave':
      return HEADER_BYTES;
    case 'unknown':
      return HEADER_BYTES + event.dataBytes;
  }
}

export class EventPrinter {
  readonly #events: AsyncIterator<SpreadEvent>;
  readonly #stdout: Writable;
  readonly #held: SpreadEvent[] = [];
  readonly #readers: (() => void)[] = [];
  #asyncRead = true;
  #wake: (() => void) | null = null;
  #ended = false;
  #silenced = false;
  readonly #done: Promise<void>;

  constructor(events: AsyncIterator<SpreadEvent>, stdout: Writable) {
    this.#events = events;
    this.#stdout = stdout;
    this.#done = this.#loop();
  }

  /** Resolves when the session's events have ended. */
  ended(): Promise<void> {
    return this.#done;
  }

  /** Frame bytes of events taken off the session but not yet printed (for 'p'). */
  get heldBytes(): number {
    let bytes = 0;
    for (const event of this.#held) bytes += eventWireBytes(event);
    return bytes;
  }

  /** Prints nothing more (after Bye, as spuser exits there). */
  silence(): void {
    this.#silenced = true;
  }

  setAsyncRead(enabled: boolean): void {
    this.#asyncRead = enabled;
    if (enabled) this.#flushHeld();
    this.#wakeUp();
  }

  /** 'r': prints the next event, waiting for one if none is held. */
  readOne(): Promise<void> {
    const held = this.#held.shift();
    if (held !== undefined) {
      this.#print(held);
      return Promise.resolve();
    }
    if (this.#ended) return Promise.resolve();
    return new Promise((resolve) => {
      this.#readers.push(resolve);
      this.#wakeUp();
    });
  }

  async #loop(): Promise<void> {
    for (;;) {
      while (!this.#asyncRead && this.#readers.length === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
      const result = await this.#events.next();
      if (result.done === true) break;
      const reader = this.#readers.shift();
      if (reader !== undefined) {
        this.#print(result.value);
        reader();
      } else if (this.#asyncRead) {
        this.#print(result.value);
      } else {
        this.#held.push(result.value);
      }
    }
    this.#ended = true;
    for (const reader of this.#readers.splice(0)) reader();
  }

  #flushHeld(): void {
    for (const event of this.#held.splice(0)) this.#print(event);
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #print(event: SpreadEvent): void {
    if (this.#silenced) return;
    this.#stdout.write(SEPARATOR);
    this.#stdout.write(formatEvent(event));
    this.#stdout.write('\nUser> ');
  }
}
