/**
 * Whether the engine has asked inputs to stop reading (spool full under `on_full: block`).
 * LineIngest reports it only through push outcomes, so the HTTP input remembers the last
 * `paused: true` until `whenWritable()` resolves. The request whose push reported the pause was
 * accepted (the engine keeps its lines) and gets its 200; the requests after it get 503.
 */
import type { LineIngest } from '@ringlog/shipper';

export class HttpIngestPause {
  readonly #ingest: LineIngest;
  #paused = false;

  constructor(ingest: LineIngest) {
    this.#ingest = ingest;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Records a push outcome's `paused`. */
  observe(paused: boolean): void {
    if (!paused || this.#paused) return;
    this.#paused = true;
    void this.#ingest.whenWritable().then(() => {
      this.#paused = false;
    });
  }
}
