/**
 * A streaming frame decoder, correct under any TCP fragmentation: push chunks of any size
 * and it hands each complete frame to the sink, in order. It parses straight out of the
 * chunk when a frame lies wholly inside it, and copies only the tail of a split frame.
 *
 * Lengths are checked as soon as a header is whole, before any body is buffered, so an
 * absurd `data_len` costs 48 bytes of memory, not 2 GiB. Peer errors are returned, not
 * thrown: the caller ends that one session and carries on.
 */
import { Limits } from './constants.ts';
import { WireErrorCode, WireProtocolError } from './errors.ts';
import { decodeHeader, type MessageHeader } from './header.ts';
import { bodyBytes, decodeMessageAt, type Message } from './message.ts';

export interface FrameSink {
  onFrame(message: Message): void;
}

export interface FrameDecoderOptions {
  /** true to read daemon→client frames (REJECT carries old_type); false for client→daemon. */
  readonly fromDaemon: boolean;
  /** Largest num_groups accepted. Daemon→client membership lists members here, so it may be large. */
  readonly groupsMax: number;
  /** Largest data_len + 32·num_groups accepted. */
  readonly bodyMaxBytes: number;
}

export const CLIENT_FRAME_LIMITS: FrameDecoderOptions = {
  fromDaemon: false,
  groupsMax: Limits.GROUPS_PER_MESSAGE_MAX,
  bodyMaxBytes: Limits.BODY_MAX_BYTES,
};

export const DAEMON_FRAME_LIMITS: FrameDecoderOptions = {
  fromDaemon: true,
  groupsMax: 1_000_000,
  bodyMaxBytes: 64 * 1024 * 1024,
};

export class FrameDecoder {
  readonly #options: FrameDecoderOptions;
  readonly #sink: FrameSink;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes the split frame at the head of #pending needs in all; 0 until its header is whole. */
  #neededBytes = 0;
  #failure: WireProtocolError | null = null;

  constructor(sink: FrameSink, options: FrameDecoderOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Feeds bytes; returns the first protocol error, after which the decoder refuses input. */
  push(chunk: Buffer): WireProtocolError | null {
    if (this.#failure !== null) return this.#failure;
    let buffer = chunk;
    if (this.#pendingBytes > 0) {
      // Gather without copying until the split frame is whole: a large frame fed in small
      // chunks is then copied once, not once per chunk.
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      if (this.#pendingBytes < Math.max(this.#neededBytes, Limits.HEADER_BYTES)) return null;
      buffer = Buffer.concat(this.#pending, this.#pendingBytes);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    this.#neededBytes = 0;
    let offset = 0;
    while (buffer.length - offset >= Limits.HEADER_BYTES) {
      const header = decodeHeader(buffer, offset);
      const problem = this.#checkLengths(header);
      if (problem !== null) return this.#fail(problem);
      const frameBytes = Limits.HEADER_BYTES + bodyBytes(header.type, header.numGroups, header.dataLength, this.#options.fromDaemon);
      if (buffer.length - offset < frameBytes) {
        this.#neededBytes = frameBytes;
        break;
      }
      const message = decodeMessageAt(buffer, offset, header, this.#options.fromDaemon);
      if (message instanceof WireProtocolError) return this.#fail(message);
      offset += frameBytes;
      this.#sink.onFrame(message);
      if (this.#failure !== null) return this.#failure;
    }
    if (offset < buffer.length) {
      // Copy the tail so a small remainder does not pin a whole 64 KiB socket chunk.
      this.#pending = [Buffer.from(buffer.subarray(offset))];
      this.#pendingBytes = buffer.length - offset;
    }
    return null;
  }

  /** Marks the decoder failed, e.g. when the sink rejects a frame's meaning. */
  fail(error: WireProtocolError): void {
    this.#fail(error);
  }

  #fail(error: WireProtocolError): WireProtocolError {
    this.#failure = error;
    this.#pending = [];
    this.#pendingBytes = 0;
    return error;
  }

  #checkLengths(header: MessageHeader): WireProtocolError | null {
    if (header.numGroups < 0 || header.numGroups > this.#options.groupsMax) {
      return new WireProtocolError(WireErrorCode.BAD_GROUP_COUNT, `num_groups ${header.numGroups} is outside 0..${this.#options.groupsMax}`);
    }
    if (header.dataLength < 0) {
      return new WireProtocolError(WireErrorCode.BAD_DATA_LENGTH, `data_len ${header.dataLength} is negative`);
    }
    const body = header.dataLength + header.numGroups * Limits.GROUP_NAME_BYTES;
    if (body > this.#options.bodyMaxBytes) {
      return new WireProtocolError(WireErrorCode.MESSAGE_TOO_LONG, `Body of ${body} bytes exceeds ${this.#options.bodyMaxBytes}`);
    }
    return null;
  }
}
