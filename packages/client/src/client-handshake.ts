/**
 * The client side of the connect handshake (spec §6.2) as a pure state machine, so it can
 * be fed any fragmentation (tests push one byte at a time):
 *
 *   hello() ─► [offer] ─push()─► send auth choice ─► [accept] ─push()─► accepted | rejected
 *
 * Rules of this file: no sockets, no timers; push() consumes every byte it is given and
 * returns what to send next; bytes after the accept are handed back as `rest`, because they
 * already belong to the message stream.
 */
import {
  Limits,
  PROTOCOL_VERSION,
  ResultCode,
  encodeAuthChoice,
  encodeHello,
  parseAccept,
  parseAuthOffer,
  versionNumber,
  type Accept,
} from '@ringlog/wire';

export interface HandshakeOptions {
  /** Requested private name; "" asks the daemon to invent one. */
  readonly name: string;
  readonly membership: boolean;
  readonly priority: number;
  /** Methods this client may use, in order of preference; NULL is the only one Spread ships. */
  readonly authMethods: readonly string[];
}

export type HandshakeStep =
  | { readonly status: 'continue'; readonly send: Buffer | null }
  | { readonly status: 'accepted'; readonly accept: Accept; readonly send: Buffer | null; readonly rest: Buffer }
  | { readonly status: 'rejected'; readonly spreadCode: number; readonly reason: string; readonly authUnavailable: boolean };

const CLIENT_VERSION = versionNumber(PROTOCOL_VERSION.major, PROTOCOL_VERSION.minor, PROTOCOL_VERSION.patch);
const EMPTY = Buffer.alloc(0);

export class ClientHandshake {
  readonly #options: HandshakeOptions;
  #phase: 'offer' | 'accept' | 'done' = 'offer';
  #buffer: Buffer = EMPTY;

  constructor(options: HandshakeOptions) {
    this.#options = options;
  }

  get phase(): 'offer' | 'accept' | 'done' {
    return this.#phase;
  }

  /** The hello, sent in one write as the daemon requires. */
  hello(): Buffer {
    return encodeHello({ membership: this.#options.membership, priority: this.#options.priority, name: this.#options.name });
  }

  push(chunk: Buffer): HandshakeStep {
    if (this.#phase === 'done') throw new Error('ClientHandshake.push after the handshake finished');
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let send: Buffer | null = null;
    if (this.#phase === 'offer') {
      const offer = parseAuthOffer(this.#buffer);
      if (offer.status === 'incomplete') return { status: 'continue', send: null };
      if (offer.status === 'reject') return this.#reject(offer.code, offer.reason, false);
      const chosen = this.#options.authMethods.filter((method) => offer.value.includes(method)).slice(0, Limits.AUTH_SLOTS);
      if (chosen.length === 0) {
        return this.#reject(ResultCode.REJECT_AUTH, `Daemon offers ${JSON.stringify(offer.value)}, client allows ${JSON.stringify(this.#options.authMethods)}`, true);
      }
      send = encodeAuthChoice(chosen);
      this.#buffer = this.#buffer.subarray(offer.bytesUsed);
      this.#phase = 'accept';
    }
    const accept = parseAccept(this.#buffer, CLIENT_VERSION);
    if (accept.status === 'incomplete') return { status: 'continue', send };
    if (accept.status === 'reject') return this.#reject(accept.code, accept.reason, false);
    this.#phase = 'done';
    const rest = this.#buffer.subarray(accept.bytesUsed);
    this.#buffer = EMPTY;
    return { status: 'accepted', accept: accept.value, send, rest };
  }

  #reject(spreadCode: number, reason: string, authUnavailable: boolean): HandshakeStep {
    this.#phase = 'done';
    this.#buffer = EMPTY;
    return { status: 'rejected', spreadCode, reason, authUnavailable };
  }
}
