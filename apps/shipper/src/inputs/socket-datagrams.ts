/**
 * Datagram inputs (unix_dgram, syslog_unix_dgram, syslog_udp): one datagram is one message.
 * There is nothing to pause: when the engine asks inputs to stop reading, datagrams keep coming
 * and the engine drops what it cannot keep (counted there).
 */
import type { InputHandle, LineIngest } from '@ringlog/shipper';
import type { FrameLines } from './line-frames.ts';

export class DatagramReceiver {
  readonly #handle: InputHandle;
  readonly #ingest: LineIngest;
  readonly #frames: FrameLines;
  readonly #receiveBytesMax: number;

  /** `receiveBytesMax`: the receive buffer; a datagram that fills it was probably cut by the OS. */
  constructor(handle: InputHandle, ingest: LineIngest, frames: FrameLines, receiveBytesMax: number) {
    this.#handle = handle;
    this.#ingest = ingest;
    this.#frames = frames;
    this.#receiveBytesMax = receiveBytesMax;
  }

  readonly receive = (datagram: Buffer): void => {
    if (datagram.length >= this.#receiveBytesMax) {
      // The kernel says nothing about what it cut (no MSG_TRUNC here): a full buffer is the only sign.
      this.#handle.stats.error('overlong');
      this.#handle.stats.drops.truncated += 1;
    }
    const lines: Buffer[] = [];
    this.#frames.add(datagram, lines);
    if (lines.length > 0) this.#ingest.push(this.#handle, lines);
  };
}
