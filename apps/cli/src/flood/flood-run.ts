/**
 * floodRun(): the measuring core of `ringlog flood`, also called by benchmarks.
 *
 * How it measures (the honest version of spflooder):
 * - Every session connects and every local member (receivers, and senders unless
 *   --no-sender-member) joins the group; the run waits until each member has seen a
 *   membership that includes all local members. Only then does the clock start.
 * - Senders multicast `messages` messages each. A sender may have at most `window` messages
 *   that the slowest local member has not yet received (counted per sender), so no sender
 *   can run ahead of delivery and the daemon never queues more than window × senders per
 *   member. Socket backpressure (send() returning false) pauses a sender until 'drain'.
 * - The clock stops when every local member has received every message (senders ×
 *   messages each). msgs/s counts distinct messages; deliveries counts every copy.
 * - --wo (no local members): each sender, after its last message, sends one marker to its
 *   own private group with the same service and stops the clock when it comes back: the
 *   daemon has then taken and ordered everything the sender sent.
 * - --ro (no local senders): the clock runs from the first message to the last.
 * Payloads carry a 32-bit sequence number (when >= 4 bytes); receivers count sequence gaps
 * per sender as `outOfOrder`, which must be 0 for FIFO, CAUSAL, AGREED and SAFE.
 *
 * Hot path: send() copies a prepared header and the payload into the session's write batch
 * (no promise, no allocation); receive runs in the synchronous onEvent listener.
 */
import { performance } from 'node:perf_hooks';
import { connect, type MembershipEvent, type PreparedMulticast, type SpreadEvent, type SpreadSession } from '@ringlog/client';
import { CliError, CliErrorCode } from '../errors.ts';
import { resolveFloodOptions, sessionName, type FloodOptions } from './flood-options.ts';

export interface FloodResult {
  readonly service: string;
  readonly bytesPerMessage: number;
  readonly senders: number;
  readonly receivers: number;
  readonly window: number;
  readonly mode: 'members' | 'read-only' | 'write-only';
  /** Distinct messages multicast (or, with --ro, expected from the senders elsewhere). */
  readonly messages: number;
  /** Copies received by local members. */
  readonly deliveries: number;
  /** Payload bytes of the distinct messages. */
  readonly bytes: number;
  readonly elapsedSeconds: number;
  readonly messagesPerSecond: number;
  /** Payload megabytes (10^6 bytes) per second. */
  readonly megabytesPerSecond: number;
  readonly deliveriesPerSecond: number;
  /** Sequence gaps seen by receivers (messages out of per-sender order). */
  readonly outOfOrder: number;
}

interface SenderStats {
  count: number;
  lastSequence: number;
  readonly sender: Sender | null;
}

interface Sender {
  readonly index: number;
  readonly session: SpreadSession;
  readonly prepared: PreparedMulticast;
  readonly payload: Buffer;
  sent: number;
  windowBlocked: boolean;
  drainWaiting: boolean;
  markerBack: boolean;
}

interface Member {
  readonly session: SpreadSession;
  readonly from: Map<string, SenderStats>;
  received: number;
  ready: boolean;
}

const STALL_CHECK_MS = 100;

class FloodRun {
  readonly #options: FloodOptions;
  readonly #senders: Sender[] = [];
  readonly #members: Member[] = [];
  readonly #sessions: SpreadSession[] = [];
  readonly #senderByName = new Map<string, Sender>();
  readonly #expectedPerMember: number;
  readonly #resumeAt: number;
  #started = false;
  #startMs = 0;
  #endMs = 0;
  #deliveries = 0;
  #outOfOrder = 0;
  #progressMs = 0;
  #finished = false;
  #settle!: { resolve: () => void; reject: (error: Error) => void };
  readonly #done: Promise<void>;

  constructor(options: FloodOptions) {
    this.#options = options;
    this.#expectedPerMember = options.senders * options.messages;
    this.#resumeAt = options.window - Math.max(1, Math.floor(options.window / 4));
    this.#done = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.#done.catch(() => undefined);
  }

  async run(): Promise<FloodResult> {
    try {
      await this.#open();
      const stall = setInterval(this.#checkStall, STALL_CHECK_MS);
      try {
        this.#joinAll();
        await this.#done;
      } finally {
        clearInterval(stall);
      }
      return this.#result();
    } finally {
      this.#finished = true;
      await Promise.allSettled(this.#sessions.map((session) => session.disconnect()));
    }
  }

  get #mode(): FloodResult['mode'] {
    if (this.#options.readOnly) return 'read-only';
    return this.#options.writeOnly ? 'write-only' : 'members';
  }

  async #open(): Promise<void> {
    const o = this.#options;
    const senderCount = o.readOnly ? 0 : o.senders;
    const receiverCount = o.readOnly ? Math.max(1, o.receivers) : o.receivers;
    const sendersJoin = !o.writeOnly && o.senderMember;
    const opening = [
      ...Array.from({ length: senderCount }, (_, i) => connect({ endpoint: o.spread, name: sessionName(o.user, 's', i), membership: sendersJoin, connectTimeoutMs: o.connectTimeoutMs })),
      ...Array.from({ length: receiverCount }, (_, i) => connect({ endpoint: o.receiverSpread ?? o.spread, name: sessionName(o.user, 'r', i), membership: true, connectTimeoutMs: o.connectTimeoutMs })),
    ];
    const settled = await Promise.allSettled(opening);
    for (const outcome of settled) if (outcome.status === 'fulfilled') this.#sessions.push(outcome.value);
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    this.#sessions.forEach((session, index) => {
      if (index < senderCount) this.#addSender(session, index, sendersJoin);
      else this.#addMember(session);
      void session.closed().then((reason) => this.#onSessionClosed(session, reason));
    });
  }

  #addSender(session: SpreadSession, index: number, member: boolean): void {
    const o = this.#options;
    const payload = Buffer.alloc(o.bytes, 0x61);
    const prepared = session.prepare({ service: o.service, groups: [o.group] });
    const sender: Sender = { index, session, prepared, payload, sent: 0, windowBlocked: false, drainWaiting: false, markerBack: false };
    this.#senders.push(sender);
    this.#senderByName.set(session.privateGroup, sender);
    if (member) this.#addMember(session);
    else session.onEvent((event) => this.#onSenderEvent(sender, event));
  }

  #addMember(session: SpreadSession): void {
    const member: Member = { session, from: new Map(), received: 0, ready: false };
    this.#members.push(member);
    session.onEvent((event) => this.#onMemberEvent(member, event));
  }

  #joinAll(): void {
    this.#progressMs = performance.now();
    for (const member of this.#members) member.session.join(this.#options.group);
    if (this.#members.length === 0) this.#start();
  }

  #onMemberEvent(member: Member, event: SpreadEvent): void {
    if (event.type !== 'message') {
      if (event.type === 'membership') this.#onMembership(member, event);
      return;
    }
    if (!this.#started) {
      if (!this.#options.readOnly) return;
      this.#start();
    }
    let stats = member.from.get(event.sender);
    if (stats === undefined) {
      stats = { count: 0, lastSequence: -1, sender: this.#senderByName.get(event.sender) ?? null };
      member.from.set(event.sender, stats);
    }
    stats.count++;
    if (event.data.length >= 4) {
      const sequence = event.data.readUInt32LE(0);
      if (sequence !== stats.lastSequence + 1) this.#outOfOrder++;
      stats.lastSequence = sequence;
    }
    this.#deliveries++;
    member.received++;
    const sender = stats.sender;
    if (sender !== null && sender.windowBlocked) this.#maybeResume(sender);
    if (member.received === this.#expectedPerMember) this.#checkDone();
  }

  #onMembership(member: Member, event: MembershipEvent): void {
    if (member.ready || event.group !== this.#options.group) return;
    const localMembers = this.#options.readOnly ? 1 : this.#members.length;
    if (event.myIndex < 0 || event.members.length < localMembers) return;
    member.ready = true;
    if (this.#members.every((m) => m.ready) && !this.#options.readOnly) this.#start();
  }

  #onSenderEvent(sender: Sender, event: SpreadEvent): void {
    if (event.type === 'message' && event.sender === sender.session.privateGroup && event.groups[0] === event.sender) {
      sender.markerBack = true;
      this.#checkDone();
    }
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#startMs = performance.now();
    this.#progressMs = this.#startMs;
    for (const sender of this.#senders) this.#pump(sender);
  }

  /** Sends as much as the window and the socket allow. */
  #pump(sender: Sender): void {
    if (this.#finished || sender.drainWaiting) return;
    const { session, prepared, payload } = sender;
    const messages = this.#options.messages;
    const numbered = payload.length >= 4;
    let allowance = this.#allowance(sender);
    while (sender.sent < messages) {
      if (allowance <= 0) {
        allowance = this.#allowance(sender);
        if (allowance <= 0) {
          sender.windowBlocked = true;
          return;
        }
      }
      if (numbered) payload.writeUInt32LE(sender.sent, 0);
      sender.sent++;
      allowance--;
      if (!session.send(prepared, payload)) {
        sender.drainWaiting = true;
        session.drained().then(() => {
          sender.drainWaiting = false;
          this.#pump(sender);
        }, () => undefined);
        return;
      }
    }
    if (this.#members.length === 0) this.#sendMarker(sender);
  }

  /** Messages `sender` may still send: window minus what the slowest member lacks. */
  #allowance(sender: Sender): number {
    if (this.#members.length === 0) return Number.POSITIVE_INFINITY;
    const name = sender.session.privateGroup;
    let slowest = Number.POSITIVE_INFINITY;
    for (const member of this.#members) slowest = Math.min(slowest, member.from.get(name)?.count ?? 0);
    return this.#options.window - (sender.sent - slowest);
  }

  #maybeResume(sender: Sender): void {
    if (this.#options.window - this.#allowance(sender) > this.#resumeAt) return;
    sender.windowBlocked = false;
    this.#pump(sender);
  }

  #sendMarker(sender: Sender): void {
    if (sender.markerBack || sender.sent !== this.#options.messages) return;
    sender.session.multicastNow({ service: this.#options.service, groups: [sender.session.privateGroup], data: Buffer.alloc(0) });
  }

  #checkDone(): void {
    if (this.#finished) return;
    const sendersDone = this.#senders.every((s) => s.sent === this.#options.messages && (this.#members.length > 0 || s.markerBack));
    const membersDone = this.#members.every((m) => m.received >= this.#expectedPerMember);
    this.#progressMs = performance.now();
    if (!sendersDone || !membersDone) return;
    this.#endMs = this.#progressMs;
    this.#finished = true;
    this.#settle.resolve();
  }

  readonly #checkStall = (): void => {
    if (this.#finished) return;
    const now = performance.now();
    const progress = this.#deliveries + this.#senders.reduce((sum, s) => sum + s.sent, 0);
    if (progress !== this.#lastProgress) {
      this.#lastProgress = progress;
      this.#progressMs = now;
      return;
    }
    if (this.#options.readOnly && !this.#started) return;
    if (now - this.#progressMs < this.#options.stallMs) return;
    this.#fail(new CliError(CliErrorCode.FLOOD_STALLED, `No progress for ${this.#options.stallMs} ms: ${this.#describe()}`));
  };

  #lastProgress = -1;

  #onSessionClosed(session: SpreadSession, reason: Error | undefined): void {
    if (this.#finished) return;
    this.#fail(new CliError(CliErrorCode.FLOOD_SESSION_LOST, `Session ${session.privateGroup} closed during the run: ${this.#describe()}`, { cause: reason }));
  }

  #fail(error: CliError): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#settle.reject(error);
  }

  #describe(): string {
    const sent = this.#senders.map((s) => s.sent).join('/');
    const received = this.#members.map((m) => m.received).join('/');
    return `sent ${sent || '-'}, received ${received || '-'} of ${this.#expectedPerMember} per member`;
  }

  #result(): FloodResult {
    const o = this.#options;
    const elapsedSeconds = Math.max((this.#endMs - this.#startMs) / 1000, 1e-9);
    const messages = this.#expectedPerMember;
    return {
      service: o.service,
      bytesPerMessage: o.bytes,
      senders: o.senders,
      receivers: o.readOnly ? Math.max(1, o.receivers) : o.receivers,
      window: o.window,
      mode: this.#mode,
      messages,
      deliveries: this.#deliveries,
      bytes: messages * o.bytes,
      elapsedSeconds,
      messagesPerSecond: messages / elapsedSeconds,
      megabytesPerSecond: (messages * o.bytes) / 1e6 / elapsedSeconds,
      deliveriesPerSecond: this.#deliveries / elapsedSeconds,
      outOfOrder: this.#outOfOrder,
    };
  }
}

/** Runs one flood and resolves with its measurement; rejects with CliError or a client error. */
export async function floodRun(options: Partial<FloodOptions>): Promise<FloodResult> {
  return new FloodRun(resolveFloodOptions(options)).run();
}
