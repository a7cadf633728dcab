/**
 * The shipper's side of a pipe connection: bytes in, a hello and then batches of lines out,
 * through a narrow sink. It owns the byte accounting acks need: `lines(…, rawBytes)` reports
 * how many bytes of the stream (LF included) the batch took, so the connection can acknowledge
 * exactly the complete lines it pushed. Partial lines wait here until their LF arrives.
 *
 * Rules: no sockets, no timers. After a violation the decoder is failed and ignores input;
 * the caller closes the connection. See pipe-protocol.ts for the frames.
 */
import { parsePipeHello, PIPE_HELLO_MAX_BYTES, PIPE_LINE_MAX_BYTES, type PipeHello } from './pipe-protocol.ts';

export type PipeViolation =
  | { readonly type: 'bad_hello'; readonly detail: string }
  | { readonly type: 'unsupported_version'; readonly detail: string }
  | { readonly type: 'overlong_line'; readonly bytes: number }
  /** The peer closed in the middle of a line (or of its hello). */
  | { readonly type: 'half_line'; readonly bytes: number };

export interface PipeStreamSink {
  hello(hello: PipeHello): void;
  /** Complete lines (no LF, CR before LF dropped, empty lines skipped) and the stream bytes they took. */
  lines(lines: Buffer[], rawBytes: number): void;
  violation(violation: PipeViolation): void;
}

const LF = 0x0a;
const CR = 0x0d;

export class PipeStreamDecoder {
  readonly #sink: PipeStreamSink;
  readonly #lineMaxBytes: number;
  #state: 'hello' | 'lines' | 'failed' = 'hello';
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(sink: PipeStreamSink, lineMaxBytes = PIPE_LINE_MAX_BYTES) {
    this.#sink = sink;
    this.#lineMaxBytes = lineMaxBytes;
  }

  get state(): 'hello' | 'lines' | 'failed' {
    return this.#state;
  }

  /** Bytes of an unfinished line (or hello) held until its LF. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  feed(chunk: Buffer): void {
    if (this.#state === 'failed' || chunk.length === 0) return;
    let start = 0;
    if (this.#state === 'hello') {
      start = this.#feedHello(chunk);
      if (start < 0) return;
    }
    this.#feedLines(chunk, start);
  }

  /** The peer finished sending: a partial line or hello left over is a violation. */
  end(): void {
    if (this.#state === 'failed' || this.#pendingBytes === 0) return;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#state === 'hello') this.#fail({ type: 'bad_hello', detail: `connection closed after ${bytes} bytes of hello` });
    else this.#fail({ type: 'half_line', bytes });
  }

  /** Returns the offset after the hello's LF, or -1 when the chunk is consumed (or the hello failed). */
  #feedHello(chunk: Buffer): number {
    const lf = chunk.indexOf(LF);
    const headBytes = lf === -1 ? chunk.length : lf + 1;
    if (this.#pendingBytes + headBytes > PIPE_HELLO_MAX_BYTES) {
      this.#fail({ type: 'bad_hello', detail: `no LF within ${PIPE_HELLO_MAX_BYTES} bytes` });
      return -1;
    }
    if (lf === -1) {
      this.#hold(chunk);
      return -1;
    }
    const line = this.#takePending(chunk.subarray(0, lf));
    const parsed = parsePipeHello(line);
    if (!parsed.ok) {
      this.#fail({ type: parsed.reason, detail: parsed.detail });
      return -1;
    }
    this.#state = 'lines';
    this.#sink.hello(parsed.hello);
    return lf + 1;
  }

  #feedLines(chunk: Buffer, start: number): void {
    const lines: Buffer[] = [];
    let rawBytes = 0;
    let cursor = start;
    for (let lf = chunk.indexOf(LF, cursor); lf !== -1; lf = chunk.indexOf(LF, cursor)) {
      const lineBytes = this.#pendingBytes + lf - cursor;
      if (lineBytes > this.#lineMaxBytes) return this.#overlong(lines, rawBytes, lineBytes);
      const line = this.#takePending(chunk.subarray(cursor, lf));
      rawBytes += lineBytes + 1;
      const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
      if (end > 0) lines.push(line.subarray(0, end));
      cursor = lf + 1;
    }
    const tailBytes = this.#pendingBytes + chunk.length - cursor;
    if (tailBytes > this.#lineMaxBytes) return this.#overlong(lines, rawBytes, tailBytes);
    if (rawBytes > 0) this.#sink.lines(lines, rawBytes);
    if (cursor < chunk.length) this.#hold(chunk.subarray(cursor));
  }

  #overlong(lines: Buffer[], rawBytes: number, lineBytes: number): void {
    // Lines before the overlong one are fine: push and count them so they get acknowledged.
    if (rawBytes > 0) this.#sink.lines(lines, rawBytes);
    this.#fail({ type: 'overlong_line', bytes: lineBytes });
  }

  /** Copies because the caller may reuse its chunk buffers. */
  #hold(bytes: Buffer): void {
    this.#pending.push(Buffer.from(bytes));
    this.#pendingBytes += bytes.length;
  }

  /** The held bytes followed by `tail`, and the hold emptied. */
  #takePending(tail: Buffer): Buffer {
    if (this.#pendingBytes === 0) return tail;
    const whole = Buffer.concat([...this.#pending, tail]);
    this.#pending = [];
    this.#pendingBytes = 0;
    return whole;
  }

  #fail(violation: PipeViolation): void {
    this.#state = 'failed';
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#sink.violation(violation);
  }
}
