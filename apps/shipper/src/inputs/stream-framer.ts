/**
 * The framing of one stream connection: newline (RFC 6587 §3.4.2) or octet counting (§3.4.1),
 * chosen when its first byte arrives. A connection gets a framer only once it sends something,
 * so an idle writer costs no decoder.
 *
 * Newline framing bounds lines with NewlineDecoder's 'split' policy: an overlong line arrives as
 * a head of `lineBytesMax` bytes and then its rest. Only the head is a frame (parsed as syslog by
 * syslog inputs); the rest is pushed as is, since a piece cut from the middle of a MSG is not a
 * syslog message. To know which lines are rests, a chunk in which a line may be cut is fed to the
 * decoder one line at a time: each such push returns the pieces of a single line, in order.
 */
import type { TcpFraming } from '@ringlog/config';
import { NewlineDecoder, OctetCountingDecoder } from '@ringlog/syslog';
import type { FrameLines } from './line-frames.ts';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const DIGIT_ZERO = 0x30;
const DIGIT_NINE = 0x39;

/** What every connection of one input shares; one object per input. */
export interface StreamFramingPolicy {
  readonly framing: TcpFraming;
  readonly frames: FrameLines;
  /** Largest octet-counted frame; a larger announced length breaks the connection. */
  readonly octetFrameBytesMax: number;
  /**
   * NUL ends a message as LF does (syslog inputs): glibc's syslog(3) falling back to a stream
   * socket terminates each message with NUL, and rsyslog's imtcp accepts the same.
   */
  readonly nulTerminates?: boolean;
}

export class StreamFramer {
  readonly #frames: FrameLines;
  readonly #newline: NewlineDecoder | null = null;
  readonly #octets: OctetCountingDecoder | null = null;
  /** The line in progress was already cut: what the decoder returns next is its rest. */
  #cutPending = false;
  readonly #nulTerminates: boolean;

  constructor(policy: StreamFramingPolicy, firstByte: number) {
    this.#frames = policy.frames;
    this.#nulTerminates = policy.nulTerminates === true;
    const octetCounted = policy.framing === 'octet_counted' || (policy.framing === 'auto' && firstByte >= DIGIT_ZERO && firstByte <= DIGIT_NINE);
    if (octetCounted) this.#octets = new OctetCountingDecoder({ frameBytesMax: policy.octetFrameBytesMax });
    else this.#newline = new NewlineDecoder({ lineBytesMax: policy.frames.lineBytesMax, overlong: 'split' });
  }

  /**
   * The fast path for plain newline framing: when no line is pending, the complete lines at the
   * head of `chunk` come back as one block (each ending in LF) if every one of them is a line the
   * decoder would return unchanged — not empty, no CR before LF, not overlong. The caller hands the
   * block to pushBlock and the rest of the chunk (no LF in it) to push(). Null otherwise.
   */
  takeBlock(chunk: Buffer): { readonly block: Buffer; readonly lineCount: number; readonly rest: Buffer } | null {
    const decoder = this.#newline;
    if (decoder === null || !this.#frames.plain || this.#nulTerminates || this.#cutPending || decoder.bufferedBytes !== 0) return null;
    const lineBytesMax = this.#frames.lineBytesMax;
    let start = 0;
    let lineCount = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const length = newline - start;
      if (length === 0 || length > lineBytesMax || chunk[newline - 1] === CARRIAGE_RETURN) return null;
      lineCount += 1;
      start = newline + 1;
    }
    if (lineCount === 0) return null;
    return { block: chunk.subarray(0, start), lineCount, rest: chunk.subarray(start) };
  }

  /** True while part of a line from earlier chunks waits for its LF (takeBlock then refuses). */
  get linePending(): boolean {
    return this.#cutPending || (this.#newline !== null && this.#newline.bufferedBytes > 0);
  }

  /** Appends the lines completed by `chunk` to `out`; false when the framing broke and the connection must close. */
  push(chunk: Buffer, out: Buffer[]): boolean {
    if (this.#octets !== null) return this.#pushOctets(this.#octets, chunk, out);
    const decoder = this.#newline!;
    if (this.#nulTerminates) nulToNewline(chunk);
    if (!this.#cutPending && fitsWhole(chunk, decoder.bufferedBytes, this.#frames.lineBytesMax)) {
      for (const line of decoder.push(chunk)) this.#frames.addLine(line, out);
      return true;
    }
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline < 0 ? chunk.length : newline + 1;
      this.#pushLinePieces(decoder, chunk.subarray(start, end), newline >= 0, out);
      start = end;
    }
    return true;
  }

  /** The connection ended: appends its last line (newline framing), counts a half frame (octet counting). */
  end(out: Buffer[]): void {
    if (this.#octets !== null) {
      const truncatedBefore = this.#octets.stats.truncatedFrames;
      this.#octets.end();
      if (this.#octets.stats.truncatedFrames > truncatedBefore) this.#frames.stats.error('bad_frame');
      return;
    }
    for (const line of this.#newline!.end()) this.#addPiece(line, this.#cutPending, out);
    this.#cutPending = false;
  }

  #pushOctets(decoder: OctetCountingDecoder, chunk: Buffer, out: Buffer[]): boolean {
    for (const frame of decoder.push(chunk)) this.#frames.add(frame, out);
    if (!decoder.failed) return true;
    // There is no way to find the next frame boundary: the rest of this stream is lost.
    this.#frames.stats.error('bad_frame');
    return false;
  }

  /** `bytes` holds at most one LF, at its end: whatever the decoder returns is pieces of one line. */
  #pushLinePieces(decoder: NewlineDecoder, bytes: Buffer, terminated: boolean, out: Buffer[]): void {
    const cutsBefore = decoder.stats.overlongLines;
    const pieces = decoder.push(bytes);
    const cut = decoder.stats.overlongLines > cutsBefore;
    if (cut && !this.#cutPending) this.#frames.stats.error('overlong');
    for (let index = 0; index < pieces.length; index += 1) this.#addPiece(pieces[index]!, this.#cutPending || index > 0, out);
    this.#cutPending = terminated ? false : this.#cutPending || cut;
  }

  #addPiece(piece: Buffer, isRest: boolean, out: Buffer[]): void {
    if (isRest) out.push(piece);
    else this.#frames.addLine(piece, out);
  }
}

/** True when no line of `chunk` (the first continuing `bufferedBytes`) exceeds `lineBytesMax`. */
function fitsWhole(chunk: Buffer, bufferedBytes: number, lineBytesMax: number): boolean {
  let start = 0;
  let carried = bufferedBytes;
  for (;;) {
    const newline = chunk.indexOf(NEWLINE, start);
    const end = newline < 0 ? chunk.length : newline;
    if (carried + end - start > lineBytesMax) return false;
    if (newline < 0) return true;
    carried = 0;
    start = newline + 1;
  }
}

/** Turns every NUL of a chunk we own into LF, in place. */
function nulToNewline(chunk: Buffer): void {
  for (let index = chunk.indexOf(0); index !== -1; index = chunk.indexOf(0, index + 1)) chunk[index] = NEWLINE;
}
