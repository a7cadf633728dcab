/**
 * One live-tail subscriber (`GET /tail`): its filter, a bounded queue of server-sent-event
 * frames, and the response it writes to.
 *
 * Theory of operation: `offer` runs on the collector's hot path, so it only filters and queues;
 * a flush at the end of the event-loop turn writes the whole queue in one write (or earlier, when
 * one batch fills the queue while the socket still takes data). When the
 * response's socket is full (write returns false) nothing more is written until 'drain'; lines
 * keep queueing until the queue holds `bufferLinesMax` frames or `bufferBytesMax` characters,
 * and past that they are dropped and counted. The count goes out as `event: dropped` at the
 * place the lines went missing, so a slow client learns how many it missed and where, and the
 * collector's memory per client stays bounded.
 */
import type { TailFilter } from '@ringlog/collector';

/** What the client writes to: a Node http.ServerResponse, or a fake in tests. */
export interface TailSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  end(): unknown;
  destroy(): unknown;
}

/** Totals over every client, read by /metrics. */
export interface TailCounters {
  /** Clients streaming now. */
  clients: number;
  linesSent: number;
  linesDropped: number;
  /** Subscriptions refused (client cap, or stopping). */
  clientsRejected: number;
}

export interface TailClientLimits {
  /** Frames (lines and drop notices) queued at most. */
  readonly bufferLinesMax: number;
  /** Characters of queued frames at most. */
  readonly bufferBytesMax: number;
}

/** The frame that tells a client how many lines it missed here. */
export function droppedFrame(count: number): string {
  return `event: dropped\ndata: ${count}\n\n`;
}

/** A line as one SSE message. Lines from printableLines hold no CR or LF, so one data field suffices. */
export function lineFrame(line: string): string {
  return `data: ${line}\n\n`;
}

export const HEARTBEAT_FRAME = ': keepalive\n\n';

export class TailClient {
  readonly filter: TailFilter;
  readonly #sink: TailSink;
  readonly #limits: TailClientLimits;
  readonly #counters: TailCounters;
  #frames: string[] = [];
  #queuedLines = 0;
  #queuedChars = 0;
  /** Lines dropped since the last frame queued; told before the next line. */
  #droppedPending = 0;
  #blocked = false;
  #flushScheduled: NodeJS.Immediate | null = null;
  #closed = false;

  constructor(filter: TailFilter, sink: TailSink, limits: TailClientLimits, counters: TailCounters) {
    this.filter = filter;
    this.#sink = sink;
    this.#limits = limits;
    this.#counters = counters;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Frames waiting to be written (for tests and the bound's checks). */
  get queuedFrames(): number {
    return this.#frames.length;
  }

  /** Queues `line` if the filter keeps it and there is room; else counts it as dropped. */
  offer(line: string): void {
    if (this.#closed || !this.filter.matches(line)) return;
    const frame = lineFrame(line);
    // A batch bigger than the queue must not cost a client that keeps up any line: write early.
    if (!this.#blocked && !this.#fits(frame)) this.#flush();
    if (!this.#fits(frame)) {
      this.#droppedPending++;
      this.#counters.linesDropped++;
      this.#scheduleFlush();
      return;
    }
    if (this.#droppedPending > 0) this.#queue(droppedFrame(this.#droppedPending), 0);
    this.#droppedPending = 0;
    this.#queue(frame, 1);
    this.#scheduleFlush();
  }

  /** Whether `frame`, and the drop notice that must precede it, fit in the queue. */
  #fits(frame: string): boolean {
    const notice = this.#droppedPending > 0 ? droppedFrame(this.#droppedPending).length : 0;
    const frames = this.#frames.length + (notice === 0 ? 1 : 2);
    return frames <= this.#limits.bufferLinesMax && this.#queuedChars + notice + frame.length <= this.#limits.bufferBytesMax;
  }

  /** A comment frame when idle, so proxies keep the stream open and a dead peer is noticed. */
  heartbeat(): void {
    if (this.#closed || this.#blocked || this.#frames.length > 0) return;
    this.#write(HEARTBEAT_FRAME);
  }

  /** Stops writing; the response is the caller's (it closed, or `end` ends it). */
  close(): void {
    this.#closed = true;
    if (this.#flushScheduled !== null) clearImmediate(this.#flushScheduled);
    this.#flushScheduled = null;
    this.#frames = [];
  }

  /**
   * Ends the response (the collector is stopping). A client that is not reading is cut off
   * instead: ending would wait for it to read, and hold up the server's close.
   */
  end(): void {
    if (this.#closed) return;
    this.close();
    if (this.#blocked) this.#sink.destroy();
    else this.#sink.end();
  }

  #queue(frame: string, lines: number): void {
    this.#frames.push(frame);
    this.#queuedLines += lines;
    this.#queuedChars += frame.length;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled !== null || this.#blocked) return;
    this.#flushScheduled = setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    if (this.#flushScheduled !== null) clearImmediate(this.#flushScheduled);
    this.#flushScheduled = null;
    if (this.#closed || this.#blocked) return;
    if (this.#droppedPending > 0) {
      // Lines went missing after the last queued frame: the notice goes out right after it
      // (one frame past the bound at most), rather than wait for a line that may never come.
      this.#queue(droppedFrame(this.#droppedPending), 0);
      this.#droppedPending = 0;
    }
    if (this.#frames.length === 0) return;
    const chunk = this.#frames.length === 1 ? (this.#frames[0] as string) : this.#frames.join('');
    this.#counters.linesSent += this.#queuedLines;
    this.#frames = [];
    this.#queuedLines = 0;
    this.#queuedChars = 0;
    this.#write(chunk);
  };

  #write(chunk: string): void {
    if (this.#sink.write(chunk)) return;
    this.#blocked = true;
    this.#sink.once('drain', this.#onDrain);
  }

  readonly #onDrain = (): void => {
    this.#blocked = false;
    this.#flush();
  };
}
