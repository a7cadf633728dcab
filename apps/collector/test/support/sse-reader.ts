/**
 * A server-sent-events client for tests: reads a `/tail` stream and parses its frames. Built on
 * node:http with no agent, so closing it closes its one connection (an aborted undici fetch
 * opens a spare connection that then holds up the server's close).
 */
import http from 'node:http';
import { waitUntil } from '../../../daemon/test/support/processes.ts';

export interface SseEvent {
  /** "message" for plain `data:` frames. */
  readonly event: string;
  readonly data: string;
}

export class SseReader {
  readonly events: SseEvent[] = [];
  /** Comment frames seen (": keepalive" …), without the colon. */
  readonly comments: string[] = [];
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** Resolves when the server ends the stream or the connection closes. */
  readonly ended: Promise<void>;
  readonly #request: http.ClientRequest;
  #text = '';

  private constructor(request: http.ClientRequest, response: http.IncomingMessage) {
    this.#request = request;
    this.status = response.statusCode ?? 0;
    this.headers = response.headers;
    response.setEncoding('utf8');
    response.on('data', (text: string) => this.#take(text));
    this.ended = new Promise((resolve) => {
      response.on('close', resolve);
      response.on('error', () => resolve());
    });
  }

  /** Opens `url`; resolves once the response headers are in. */
  static open(url: string): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => resolve(new SseReader(request, response)));
      request.on('error', reject);
    });
  }

  /** The data of every plain message, in order. */
  get lines(): string[] {
    return this.events.filter((event) => event.event === 'message').map((event) => event.data);
  }

  async waitForLines(count: number, what = `${count} lines`): Promise<string[]> {
    await waitUntil(() => this.lines.length >= count, what, () => JSON.stringify(this.events.slice(-5)));
    return this.lines;
  }

  /** Drops the connection, as a closed browser tab does. */
  close(): void {
    this.#request.destroy();
  }

  #take(text: string): void {
    this.#text += text;
    let end: number;
    while ((end = this.#text.indexOf('\n\n')) !== -1) {
      this.#frame(this.#text.slice(0, end));
      this.#text = this.#text.slice(end + 2);
    }
  }

  #frame(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
    }
    if (data.length > 0) this.events.push({ event, data: data.join('\n') });
  }
}
