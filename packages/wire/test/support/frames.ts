/**
 * Frame helpers shared by the wire tests: a collecting sink, feeding a decoder in given
 * chunk lengths, and re-encoding a decoded frame from its fields.
 */
import {
  bodyBytes,
  decodeGroupId,
  decodeMembershipBody,
  encodeGroupId,
  encodeMembershipBody,
  encodeMessage,
  FrameDecoder,
  type FrameDecoderOptions,
  HeaderOffset,
  Limits,
  type Message,
  ServiceType,
  type WireProtocolError,
} from '../../src/internal.ts';

export interface DecodeOutcome {
  readonly frames: Message[];
  readonly error: WireProtocolError | null;
  readonly bufferedBytes: number;
}

/** Feeds `bytes` to a fresh decoder in chunks of the given lengths (default: one chunk). */
export function decodeChunked(bytes: Buffer, options: FrameDecoderOptions, chunkLengths: readonly number[] = [bytes.length]): DecodeOutcome {
  const frames: Message[] = [];
  const decoder = new FrameDecoder({ onFrame: (m) => frames.push(m) }, options);
  let offset = 0;
  let error: WireProtocolError | null = null;
  for (const length of chunkLengths) {
    error = decoder.push(bytes.subarray(offset, offset + length));
    offset += length;
    if (error !== null) break;
  }
  if (error === null && offset !== bytes.length) throw new Error(`Chunks cover ${offset} of ${bytes.length} bytes`);
  return { frames, error, bufferedBytes: decoder.bufferedBytes };
}

/** A plain, comparable view of a frame: Buffers become hex so toEqual diffs read well. */
export function frameSummary(message: Message): Record<string, unknown> {
  return {
    header: message.header,
    oldType: message.oldType,
    groups: [...message.groups],
    data: message.data.toString('hex'),
  };
}

/**
 * The body a daemon would write for this frame's decoded meaning: membership bodies and
 * TRANSITION group ids are decoded and re-encoded, anything else is opaque payload.
 */
export function reencodeBody(message: Message): Buffer {
  const type = message.header.type;
  if ((type & ServiceType.REG_MEMB) !== 0) return encodeMembershipBody(decodeMembershipBody(message.data));
  if ((type & ServiceType.TRANSITION) !== 0) return encodeGroupId(decodeGroupId(message.data));
  return Buffer.from(message.data);
}

/** Encodes a decoded frame again from its fields (always little-endian, zero-padded names). */
export function reencodeFrame(message: Message): Buffer {
  const { header } = message;
  if (header.sender === null) throw new Error('Frame has no NUL-terminated sender');
  return encodeMessage({
    type: header.type,
    sender: header.sender,
    groups: message.groups,
    hint: header.hint,
    data: reencodeBody(message),
    ...(message.oldType === null ? {} : { oldType: message.oldType }),
  });
}

/**
 * A frame as a big-endian sender writes it, built by hand: marker bits clear, and `type`,
 * `num_groups`, `data_len` and `hint` in network order. Groups and payload are byte strings,
 * so they are the same in either order.
 */
export function encodeBigEndian(fields: { type: number; sender: string; groups: readonly string[]; messType: number; data?: Uint8Array }): Buffer {
  const buffer = encodeMessage({ type: fields.type, sender: fields.sender, groups: fields.groups, hint: 0, data: fields.data ?? Buffer.alloc(0) });
  buffer.writeUInt32BE(fields.type >>> 0, HeaderOffset.TYPE);
  buffer.writeInt32BE(fields.groups.length, HeaderOffset.NUM_GROUPS);
  buffer.writeUInt32BE(((fields.messType & 0xffff) << 8) >>> 0, HeaderOffset.HINT);
  buffer.writeInt32BE(fields.data?.length ?? 0, HeaderOffset.DATA_LENGTH);
  return buffer;
}

/** Bytes the frame took on the wire, from its decoded header. */
export function frameLength(message: Message, fromDaemon: boolean): number {
  const { header } = message;
  return Limits.HEADER_BYTES + bodyBytes(header.type, header.numGroups, header.dataLength, fromDaemon);
}
