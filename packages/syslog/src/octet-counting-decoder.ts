import { CARRIAGE_RETURN, DIGIT_ZERO, NEWLINE, SPACE, isDigit } from './bytes.ts';
import { checkBytesMax } from './decoder-options.ts';
import { SyslogErrorCode, SyslogFramingError } from './errors.ts';

/**
 * RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, repeated.
 *
 * Theory of operation: two states, reading the length digits and reading the body. The length is
 * checked against `frameBytesMax` digit by digit, so an absurd length (10^12) is rejected as soon
 * as it exceeds the maximum and nothing of its body is ever buffered. There is no way to resync an
 * octet-counted stream after a bad length, so the decoder then enters `failed`, drops the rest of
 * the stream (counting the bytes) and the transport should close the connection. Errors go to
 * `onError` and the counters; nothing a sender does makes `push` throw.
 *
 * Frames are views into the pushed chunks when a frame lies in one chunk, copies otherwise.
 */

/** Default maximum frame size in bytes. */
export const OCTET_COUNTING_FRAME_BYTES_MAX_DEFAULT = 65_536;

export interface OctetCountingDecoderOptions {
  /** Larger announced lengths are errors. Default `OCTET_COUNTING_FRAME_BYTES_MAX_DEFAULT`. */
  readonly frameBytesMax?: number;
  readonly onError?: (error: SyslogFramingError) => void;
}

export interface OctetCountingDecoderStats {
  readonly frames: number;
  readonly errors: number;
  readonly truncatedFrames: number;
  /** Bytes dropped after the stream failed. */
  readonly droppedBytes: number;
}

export class OctetCountingDecoder {
  readonly #frameBytesMax: number;
  readonly #onError: ((error: SyslogFramingError) => void) | undefined;
  #state: 'length' | 'body' | 'failed' = 'length';
  #length = 0;
  #lengthDigits = 0;
  #parts: Buffer[] = [];
  #partsBytes = 0;
  #frames = 0;
  #errors = 0;
  #truncatedFrames = 0;
  #droppedBytes = 0;

  constructor(options: OctetCountingDecoderOptions = {}) {
    this.#frameBytesMax = checkBytesMax('frameBytesMax', options.frameBytesMax ?? OCTET_COUNTING_FRAME_BYTES_MAX_DEFAULT);
    this.#onError = options.onError;
  }

  /** True once the stream had a bad length: everything pushed after it is dropped. */
  get failed(): boolean {
    return this.#state === 'failed';
  }

  /** Bytes of the current partial frame held in memory (never more than `frameBytesMax`). */
  get bufferedBytes(): number {
    return this.#partsBytes;
  }

  get stats(): OctetCountingDecoderStats {
    return { frames: this.#frames, errors: this.#errors, truncatedFrames: this.#truncatedFrames, droppedBytes: this.#droppedBytes };
  }

  /** Feeds bytes from the stream; returns the frames completed by them. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let index = 0;
    while (index < chunk.length) {
      if (this.#state === 'failed') {
        this.#droppedBytes += chunk.length - index;
        break;
      }
      index = this.#state === 'length' ? this.#readLength(chunk, index) : this.#readBody(chunk, index, frames);
    }
    return frames;
  }

  /** The stream ended: a partial frame is dropped and reported. */
  end(): void {
    if (this.#state === 'body' || (this.#state === 'length' && this.#lengthDigits > 0)) {
      this.#truncatedFrames += 1;
      this.#report(SyslogErrorCode.TRUNCATED_FRAME, `stream ended inside a frame (${this.#partsBytes} of ${this.#length} bytes)`);
    }
    if (this.#state !== 'failed') this.#resetFrame();
  }

  #readLength(chunk: Buffer, index: number): number {
    const byte = chunk[index]!;
    if (isDigit(byte)) {
      if (this.#lengthDigits === 0 && byte === DIGIT_ZERO) return this.#fail(chunk, index, SyslogErrorCode.BAD_FRAME_LENGTH, 'frame length starts with 0');
      this.#length = this.#length * 10 + (byte - DIGIT_ZERO);
      this.#lengthDigits += 1;
      if (this.#length > this.#frameBytesMax) {
        return this.#fail(chunk, index, SyslogErrorCode.FRAME_TOO_LONG, `frame length exceeds ${this.#frameBytesMax} bytes`);
      }
      return index + 1;
    }
    // Some senders end each frame with a newline as well; tolerate it between frames.
    if ((byte === NEWLINE || byte === CARRIAGE_RETURN) && this.#lengthDigits === 0) return index + 1;
    if (byte === SPACE && this.#lengthDigits > 0) {
      this.#state = 'body';
      return index + 1;
    }
    return this.#fail(chunk, index, SyslogErrorCode.BAD_FRAME_LENGTH, `unexpected byte 0x${byte.toString(16).padStart(2, '0')} in frame length`);
  }

  #readBody(chunk: Buffer, index: number, frames: Buffer[]): number {
    const needed = this.#length - this.#partsBytes;
    const available = Math.min(needed, chunk.length - index);
    const piece = chunk.subarray(index, index + available);
    if (available === needed) {
      frames.push(this.#parts.length === 0 ? piece : Buffer.concat([...this.#parts, piece]));
      this.#frames += 1;
      this.#resetFrame();
    } else {
      this.#parts.push(piece);
      this.#partsBytes += available;
    }
    return index + available;
  }

  #fail(chunk: Buffer, index: number, code: typeof SyslogErrorCode.BAD_FRAME_LENGTH | typeof SyslogErrorCode.FRAME_TOO_LONG, message: string): number {
    this.#state = 'failed';
    this.#resetLength();
    this.#droppedBytes += chunk.length - index;
    this.#report(code, message);
    return chunk.length;
  }

  #report(code: typeof SyslogErrorCode.BAD_FRAME_LENGTH | typeof SyslogErrorCode.FRAME_TOO_LONG | typeof SyslogErrorCode.TRUNCATED_FRAME, message: string): void {
    this.#errors += 1;
    this.#onError?.(new SyslogFramingError(code, message));
  }

  #resetFrame(): void {
    this.#state = 'length';
    this.#resetLength();
  }

  #resetLength(): void {
    this.#length = 0;
    this.#lengthDigits = 0;
    this.#parts = [];
    this.#partsBytes = 0;
  }
}
