/**
 * Simulated client messages. Every fragment-sized block of a payload starts with the
 * message's id, so the recorder can tell which message any fragment in any packet belongs
 * to (the SAFE checker needs to know who held what).
 */
export const HEADER_END = 0x3b; // ';'

export function makePayload(id: string, bytes: number, blockBytes: number): Buffer {
  const header = Buffer.from(`${id};`, 'latin1');
  const payload = Buffer.alloc(Math.max(bytes, header.length), 0x2e);
  for (let offset = 0; offset < payload.length; offset += blockBytes) {
    header.copy(payload, offset, 0, Math.min(header.length, payload.length - offset));
  }
  return payload;
}

/** Payloads are shared by every copy of a packet, so their ids are parsed once. */
const ids = new WeakMap<Uint8Array, string | null>();

/** The id at the start of a payload or fragment, or null if there is none. */
export function payloadId(bytes: Uint8Array): string | null {
  let id = ids.get(bytes);
  if (id === undefined) {
    const end = bytes.indexOf(HEADER_END);
    id = end <= 0 ? null : Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
    ids.set(bytes, id);
  }
  return id;
}
