/**
 * The daemon's side of the connect handshake for one connection, as a small state machine
 * over received bytes: hello → (auth offer, auth choice, for libraries ≥ 3.16) → accept.
 * Unlike upstream Spread it waits for bytes instead of dropping a client whose hello arrives
 * in two segments, and a silent connection costs only its own timer, not a daemon-wide stall.
 */
import {
  encodeAccept,
  encodeAuthOffer,
  encodeReject,
  hasAuthPhase,
  type Hello,
  parseAuthChoice,
  parseHello,
  ResultCode,
} from '@ringlog/wire';

/** What the session host decides for a hello: admit under a private group, or reject. */
export type Admission = { readonly privateGroup: string } | { readonly rejectCode: number; readonly reason: string };

export interface HandshakeHost {
  admit(hello: Hello): Admission;
  /** Releases a name admitted earlier whose handshake then failed. */
  release(privateGroup: string): void;
  readonly authMethods: readonly string[];
}

export type HandshakeStep =
  | { readonly kind: 'wait' }
  | { readonly kind: 'reply'; readonly bytes: Buffer }
  | { readonly kind: 'reject'; readonly bytes: Buffer | null; readonly code: number; readonly reason: string }
  | { readonly kind: 'open'; readonly bytes: Buffer; readonly hello: Hello; readonly privateGroup: string; readonly rest: Buffer };

const WAIT: HandshakeStep = { kind: 'wait' };

export class HandshakePhase {
  readonly #host: HandshakeHost;
  #buffer: Buffer = Buffer.alloc(0);
  #hello: Hello | null = null;
  #privateGroup: string | null = null;

  constructor(host: HandshakeHost) {
    this.#host = host;
  }

  get awaitingAuth(): boolean {
    return this.#hello !== null;
  }

  feed(chunk: Buffer): HandshakeStep {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    return this.#hello === null ? this.#onHelloBytes() : this.#onAuthBytes();
  }

  /** The handshake timer fired: a half-sent auth choice is denied as Spread denies a short one. */
  timeout(): HandshakeStep {
    this.#releaseName();
    if (this.#hello !== null) {
      return { kind: 'reject', bytes: encodeReject(ResultCode.REJECT_AUTH), code: ResultCode.REJECT_AUTH, reason: 'auth choice incomplete at timeout' };
    }
    return { kind: 'reject', bytes: null, code: 0, reason: 'hello incomplete at timeout' };
  }

  #onHelloBytes(): HandshakeStep {
    const parsed = parseHello(this.#buffer);
    if (parsed.status === 'incomplete') return WAIT;
    if (parsed.status === 'reject') return { kind: 'reject', bytes: encodeReject(parsed.code), code: parsed.code, reason: parsed.reason };
    this.#buffer = this.#buffer.subarray(parsed.bytesUsed);
    const admission = this.#host.admit(parsed.value);
    if ('rejectCode' in admission) {
      return { kind: 'reject', bytes: encodeReject(admission.rejectCode), code: admission.rejectCode, reason: admission.reason };
    }
    this.#privateGroup = admission.privateGroup;
    if (!hasAuthPhase(parsed.value.version)) return this.#open(parsed.value, this.#buffer);
    this.#hello = parsed.value;
    const offer = encodeAuthOffer(this.#host.authMethods);
    if (this.#buffer.length === 0) return { kind: 'reply', bytes: offer };
    const next = this.#onAuthBytes();
    return next.kind === 'wait' ? { kind: 'reply', bytes: offer } : prefix(offer, next);
  }

  #onAuthBytes(): HandshakeStep {
    const parsed = parseAuthChoice(this.#buffer);
    if (parsed.status !== 'ok') return WAIT;
    const rest = this.#buffer.subarray(parsed.bytesUsed);
    const allowed = this.#host.authMethods;
    const methods = parsed.value;
    if (methods.length === 0 || methods.some((m) => !allowed.includes(m))) {
      this.#releaseName();
      const reason = `auth methods ${JSON.stringify(methods)} not among ${JSON.stringify(allowed)}`;
      return { kind: 'reject', bytes: encodeReject(ResultCode.REJECT_AUTH), code: ResultCode.REJECT_AUTH, reason };
    }
    return this.#open(this.#hello as Hello, rest);
  }

  #open(hello: Hello, rest: Buffer): HandshakeStep {
    const privateGroup = this.#privateGroup as string;
    this.#privateGroup = null;
    return { kind: 'open', bytes: encodeAccept(hello.version, privateGroup), hello, privateGroup, rest };
  }

  #releaseName(): void {
    if (this.#privateGroup !== null) this.#host.release(this.#privateGroup);
    this.#privateGroup = null;
  }
}

/** Joins the auth offer with a reply that its pipelined auth choice produced at once. */
function prefix(offer: Buffer, step: HandshakeStep): HandshakeStep {
  if (step.kind === 'wait') return step;
  const bytes = step.bytes === null ? offer : Buffer.concat([offer, step.bytes]);
  return { ...step, bytes } as HandshakeStep;
}
