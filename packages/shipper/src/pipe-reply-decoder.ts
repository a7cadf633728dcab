/**
 * The helper's side of a pipe connection: the shipper's `ACK`/`BYE` frames out of a byte
 * stream. A frame that does not parse, or that runs past PIPE_REPLY_MAX_BYTES, is a
 * violation; the decoder then ignores everything and the helper reconnects.
 */
import { parsePipeReply, PIPE_REPLY_MAX_BYTES, type PipeReply } from './pipe-protocol.ts';

export type PipeReplyEvent = PipeReply | { readonly type: 'violation'; readonly detail: string };

const LF = 0x0a;

export class PipeReplyDecoder {
  #pending = Buffer.alloc(0);
  #failed = false;

  feed(chunk: Buffer): PipeReplyEvent[] {
    if (this.#failed) return [];
    const events: PipeReplyEvent[] = [];
    let bytes = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (let lf = bytes.indexOf(LF); lf !== -1; lf = bytes.indexOf(LF)) {
      const reply = lf < PIPE_REPLY_MAX_BYTES ? parsePipeReply(bytes.subarray(0, lf)) : null;
      if (reply === null) return this.#fail(events, `unparsable reply ${JSON.stringify(bytes.subarray(0, Math.min(lf, 40)).toString('latin1'))}`);
      events.push(reply);
      bytes = bytes.subarray(lf + 1);
    }
    if (bytes.length >= PIPE_REPLY_MAX_BYTES) return this.#fail(events, `no LF within ${PIPE_REPLY_MAX_BYTES} bytes`);
    this.#pending = Buffer.from(bytes);
    return events;
  }

  #fail(events: PipeReplyEvent[], detail: string): PipeReplyEvent[] {
    this.#failed = true;
    this.#pending = Buffer.alloc(0);
    events.push({ type: 'violation', detail });
    return events;
  }
}
