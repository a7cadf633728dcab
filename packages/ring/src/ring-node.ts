/**
 * # Theory of operation
 *
 * One daemon's side of the segment's protocol: Totem's single-ring ordering with Extended
 * Virtual Synchrony membership, as Spread runs it. It is a pure state machine: packets,
 * client submissions and the current time go in (`receive`, `submit`, `tick`); packets to
 * send, deliveries and configuration changes come out (`takeOutput`), with the next time
 * it needs a `tick` (`nextDeadlineMs`). It owns no socket, clock or randomness, so the
 * simulator can run thousands of daemons' lifetimes from a seed and replay any of them.
 *
 * ## Ordering
 * The members of a ring pass a token around in configuration order. Only the holder
 * broadcasts: it gives each new packet the next sequence number, so the sequence is the
 * total order. A packet carries many client messages (up to `packetBytes`); a larger
 * message is cut into fragments sent in consecutive packets of one visit. The token also
 * carries, per member, how far that member holds every packet without a gap (its aru),
 * and the sequence numbers somebody is missing; a holder re-broadcasts the ones it has.
 * Flow control: a holder sends at most `personalWindowPackets` new packets per visit, and
 * none while `globalWindowPackets` packets are not yet held by every member.
 * Every service is delivered in sequence order once all lower packets are held, so
 * RELIABLE, FIFO, CAUSAL and AGREED all get the total order. A packet holding a SAFE message
 * waits, and everything behind it with it, until the token shows every member's aru past it.
 *
 * ## Membership
 * A daemon that sees no token for `tokenLossMs`, hears a join, or is probed by a daemon
 * outside its ring starts to gather: it broadcasts joins naming who it believes alive and
 * who failed, merging what it hears, until all alive daemons agree (GatherState). The lowest
 * agreed daemon sends a commit token around the new ring twice: the first rotation collects
 * what each member brings from its old ring (MemberInfo), the second shares all of it. Then
 * the ring recovers: members that come from the same old ring re-send, through the new ring,
 * the old packets some of them lack (RecoveryPlan), so they all end up holding the same old
 * packets. When the token shows every member holds all re-sent packets, each member
 * installs: it delivers the old packets that are deliverable in the old regular
 * configuration, then the transitional configuration (the members it moves on with), then
 * the rest of the old packets in order, skipping packets nobody kept, then the new regular
 * configuration. Messages submitted but not yet sent wait and go out in the new ring.
 *
 * A ring's representative probes configured daemons outside it every `lookupMs`, so
 * partitions that heal merge without waiting for traffic.
 */
import { GatherState } from './gather-state.ts';
import { MessageAssembler } from './message-assembler.ts';
import { MessagePacker } from './message-packer.ts';
import type {
  CommitPacket,
  DaemonName,
  DataPacket,
  JoinPacket,
  MemberInfo,
  ProbePacket,
  RingPacket,
  TokenAckPacket,
  TokenPacket,
} from './packets.ts';
import { sameRing } from './packets.ts';
import { packetsToResend, type RecoveryPlan, recoveryPlan } from './recovery-plan.ts';
import type { RingNodeOptions } from './ring-options.ts';
import type { RingEvent, RingOutput, Send } from './ring-output.ts';
import { type FormingRing, RingState } from './ring-state.ts';
import { emptyRingStats, type RingStats } from './ring-stats.ts';

export type RingPhase = 'gather' | 'commit' | 'recovery' | 'operational';

/** How long the ring must have been idle before this daemon starts holding the token. */
const QUIET_MS_BEFORE_HOLD = 50;

/** Missing sequence numbers one token asks for at most. */
const RTR_MAX = 256;

interface Held {
  readonly ring: RingState;
  readonly token: TokenPacket;
  deadline: number;
}

interface Retransmit {
  readonly packet: TokenPacket | CommitPacket;
  readonly to: DaemonName;
  deadline: number;
}

export class RingNode {
  readonly #options: RingNodeOptions;
  readonly #self: DaemonName;
  readonly #order: ReadonlyMap<DaemonName, number>;
  #now: number;
  #phase: RingPhase = 'gather';
  /** The ring whose configuration the clients are in; null before the first one. */
  #installed: RingState | null = null;
  /** Installed ring: delivered up to here. */
  #delivered = 0;
  /** Installed ring: every member holds every packet up to here. */
  #stable = 0;
  #lastVisitSeq = -1;
  /** What this member last added to the token's backlog. */
  #reportedBacklog = 0;
  /** When this daemon's current run of idle token visits began; Infinity while busy. */
  #idleSinceMs = Infinity;
  #lastVisitAtMs = -1;
  readonly #assembler = new MessageAssembler();
  readonly #packer: MessagePacker;
  #gather: GatherState;
  #forming: FormingRing | null = null;
  #plan: RecoveryPlan | null = null;
  #resend: DataPacket[] = [];
  #resendHead = 0;
  #ringSeq = 0;
  #held: Held | null = null;
  #retransmit: Retransmit | null = null;
  readonly #selfQueue: CommitPacket[] = [];
  #tokenLossDeadline = Infinity;
  #joinDeadline = Infinity;
  #gatherDeadline = Infinity;
  #consensusNotBefore = -Infinity;
  #formDeadline = Infinity;
  #lookupDeadline = Infinity;
  #sends: Send[] = [];
  #events: RingEvent[] = [];
  readonly stats: RingStats = emptyRingStats();

  constructor(options: RingNodeOptions, nowMs: number) {
    this.#options = options;
    this.#self = options.name;
    this.#order = new Map(options.segment.map((name, index) => [name, index]));
    if (!this.#order.has(this.#self)) throw new Error(`ring: ${this.#self} is not in its own segment`);
    this.#packer = new MessagePacker(options.packetBytes);
    this.#now = nowMs;
    this.#gather = new GatherState(this.#self, options.incarnation, [], this.#order);
    this.#enterGather([]);
  }

  get name(): DaemonName {
    return this.#self;
  }

  get incarnation(): number {
    return this.#options.incarnation;
  }

  get phase(): RingPhase {
    return this.#phase;
  }

  /** Who gets the token after this daemon, in the ring it is running now; null if none. */
  get successor(): DaemonName | null {
    const ring = this.#activeRing();
    return ring === null || ring.members.length < 2 ? null : ring.next;
  }

  get installedRing(): RingState | null {
    return this.#installed;
  }

  get pendingMessages(): number {
    return this.#packer.length;
  }

  /** A client message to order; `safe` asks for SAFE delivery. */
  submit(payload: Uint8Array, safe: boolean, nowMs: number): void {
    this.#now = nowMs;
    this.#packer.push(payload, safe);
    this.#releaseHeldToken();
    this.#drainSelf();
  }

  /** Like submit, but ahead of every waiting message (a daemon's state after a new ring). */
  submitFirst(payload: Uint8Array, safe: boolean, nowMs: number): void {
    this.#now = nowMs;
    this.#packer.pushFront(payload, safe);
    this.#releaseHeldToken();
    this.#drainSelf();
  }

  receive(packet: RingPacket, nowMs: number): void {
    this.#now = nowMs;
    switch (packet.kind) {
      case 'data':
        this.#onData(packet);
        break;
      case 'token':
        this.#onToken(packet);
        break;
      case 'token-ack':
        this.#onTokenAck(packet);
        break;
      case 'join':
        this.#onJoin(packet);
        break;
      case 'commit':
        this.#onCommit(packet);
        break;
      case 'probe':
        this.#onProbe(packet);
        break;
    }
    this.#drainSelf();
  }

  tick(nowMs: number): void {
    this.#now = nowMs;
    if (this.#held !== null && this.#held.deadline <= nowMs) this.#releaseHeldToken();
    if (this.#retransmit !== null && this.#retransmit.deadline <= nowMs) {
      this.#send([this.#retransmit.to], this.#retransmit.packet);
      this.#retransmit.deadline = nowMs + this.#options.timeouts.tokenRetransmitMs;
      this.stats.tokensRetransmitted += 1;
    }
    if ((this.#phase === 'operational' || this.#phase === 'recovery') && this.#tokenLossDeadline <= nowMs) {
      this.stats.tokenLosses += 1;
      this.#enterGather([]);
    }
    if (this.#phase === 'gather') this.#tickGather(nowMs);
    if (this.#phase === 'commit' && this.#formDeadline <= nowMs) this.#enterGather([]);
    if (this.#phase === 'operational' && this.#lookupDeadline <= nowMs) this.#probe();
    this.#drainSelf();
  }

  get nextDeadlineMs(): number {
    let next = this.#retransmit?.deadline ?? Infinity;
    switch (this.#phase) {
      case 'gather':
        next = Math.min(next, this.#joinDeadline, this.#gatherDeadline, this.#formDeadline);
        if (this.#consensusNotBefore > this.#now) next = Math.min(next, this.#consensusNotBefore);
        return next;
      case 'commit':
        return Math.min(next, this.#formDeadline);
      case 'recovery':
        return Math.min(next, this.#tokenLossDeadline, this.#held?.deadline ?? Infinity);
      case 'operational':
        return Math.min(next, this.#tokenLossDeadline, this.#lookupDeadline, this.#held?.deadline ?? Infinity);
    }
  }

  takeOutput(): RingOutput {
    const output = { sends: this.#sends, events: this.#events };
    this.#sends = [];
    this.#events = [];
    return output;
  }

  // ---- data and token ------------------------------------------------------------------

  #onData(packet: DataPacket): void {
    const installed = this.#installed;
    if (this.#phase === 'operational' && installed !== null && sameRing(packet.ringId, installed.id)) {
      if (installed.add(packet)) this.#deliver();
      return;
    }
    const forming = this.#forming;
    if (this.#phase === 'recovery' && forming !== null && sameRing(packet.ringId, forming.ring.id)) {
      if (!forming.ring.add(packet)) return;
      if (packet.old !== undefined && installed !== null && sameRing(packet.old.ringId, installed.id)) {
        installed.add({ kind: 'data', ringId: installed.id, seq: packet.old.seq, origin: packet.origin, entries: packet.entries });
      }
      return;
    }
    // While gathering, the old ring's packets still count: this member's info is not sent yet.
    if (this.#phase === 'gather' && installed !== null && packet.old === undefined && sameRing(packet.ringId, installed.id)) {
      installed.add(packet);
    }
  }

  #activeRing(): RingState | null {
    if (this.#phase === 'operational') return this.#installed;
    if (this.#phase === 'recovery') return this.#forming?.ring ?? null;
    return null;
  }

  #onToken(token: TokenPacket): void {
    const ring = this.#activeRing();
    if (ring === null || !sameRing(token.ringId, ring.id)) return;
    if (!tokenFits(token, ring.members.length)) {
      this.stats.malformedPackets += 1;
      return;
    }
    if (token.sender !== this.#self) this.#ack(token.sender, token);
    if (token.hop <= ring.lastHop) return;
    ring.lastHop = token.hop;
    if (this.#retransmit !== null && this.#retransmit.packet.hop < token.hop) this.#retransmit = null;
    this.#tokenLossDeadline = this.#now + this.#options.timeouts.tokenLossMs;
    if (!this.#isIdle(ring, token)) this.#idleSinceMs = Infinity;
    else if (this.#idleSinceMs === Infinity) this.#idleSinceMs = this.#now;
    // Hold only once the ring has been quiet for a while: a gap of a few milliseconds in a
    // flood (a sender waiting for its receivers) must not cost every daemon a hold.
    if (this.#phase === 'operational' && this.#options.idleTokenHoldMs > 0 && this.#now - this.#idleSinceMs >= QUIET_MS_BEFORE_HOLD) {
      this.#held = { ring, token, deadline: this.#now + this.#options.idleTokenHoldMs };
      return;
    }
    this.#visit(ring, token);
  }

  #isIdle(ring: RingState, token: TokenPacket): boolean {
    return this.#packer.length === 0 && token.backlog === 0 && token.rtr.length === 0 && ring.aru === token.seq && minOf(token.arus) === token.seq && token.seq === this.#lastVisitSeq;
  }

  #releaseHeldToken(): void {
    const held = this.#held;
    if (held === null) return;
    this.#held = null;
    if (held.ring !== this.#activeRing()) return;
    this.#visit(held.ring, held.token);
  }

  /** The holder's turn: re-send what others miss, send new packets, update and pass the token. */
  #visit(ring: RingState, token: TokenPacket): void {
    this.stats.tokenVisits += 1;
    if (this.#lastVisitAtMs >= 0) this.stats.tokenRotationMs = this.#now - this.#lastVisitAtMs;
    this.#lastVisitAtMs = this.#now;
    const rtr = this.#answerRetransmits(ring, token.rtr);
    const inFlight = token.seq - minOf(token.arus);
    const allowed = Math.max(0, Math.min(this.#options.personalWindowPackets, this.#options.globalWindowPackets - inFlight));
    const seq = this.#phase === 'operational' ? this.#sendNew(ring, token.seq, allowed) : this.#sendRecovery(ring, token.seq, allowed);
    const arus = token.arus.slice();
    arus[ring.myIndex] = ring.aru;
    for (const gap of ring.missing(seq, RTR_MAX - rtr.length)) if (!rtr.includes(gap)) rtr.push(gap);
    const recovered = token.recovered.slice();
    let installSeq = token.installSeq;
    if (this.#phase === 'recovery') {
      recovered[ring.myIndex] = this.#resendHead >= this.#resend.length;
      if (installSeq < 0 && recovered.every(Boolean)) installSeq = seq;
    }
    const pending = this.#phase === 'operational' ? this.#packer.length : this.#resend.length - this.#resendHead;
    const backlog = Math.max(0, token.backlog - this.#reportedBacklog + pending);
    this.#reportedBacklog = pending;
    const next: TokenPacket = { kind: 'token', ringId: ring.id, hop: token.hop + 1, sender: this.#self, seq, arus, rtr, backlog, recovered, installSeq };
    const stable = minOf(arus);
    const sentSomething = seq !== token.seq || rtr.length > 0 || token.rtr.length > 0;
    this.#lastVisitSeq = seq;
    if (this.#phase === 'recovery' && installSeq >= 0 && stable >= installSeq) this.#install(installSeq);
    if (this.#phase === 'operational') {
      if (stable > this.#stable) this.#stable = stable;
      this.#deliver();
    }
    this.#forward(ring, next, !sentSomething);
  }

  #answerRetransmits(ring: RingState, requested: readonly number[]): number[] {
    const unanswered: number[] = [];
    for (const seq of requested) {
      const packet = ring.store.get(seq);
      if (packet === undefined) {
        if (!unanswered.includes(seq)) unanswered.push(seq);
        continue;
      }
      this.#send(ring.others, packet);
      this.stats.packetsRetransmitted += 1;
    }
    return unanswered;
  }

  #sendNew(ring: RingState, fromSeq: number, allowed: number): number {
    if (allowed === 0 || this.#packer.length === 0) return fromSeq;
    let seq = fromSeq;
    for (const entries of this.#packer.take(allowed)) {
      seq += 1;
      const packet: DataPacket = { kind: 'data', ringId: ring.id, seq, origin: this.#self, entries };
      ring.add(packet);
      this.#send(ring.others, packet);
      this.stats.packetsSent += 1;
    }
    return seq;
  }

  #sendRecovery(ring: RingState, fromSeq: number, allowed: number): number {
    let seq = fromSeq;
    for (let sent = 0; sent < allowed && this.#resendHead < this.#resend.length; sent += 1) {
      const old = this.#resend[this.#resendHead]!;
      this.#resendHead += 1;
      seq += 1;
      const packet: DataPacket = { kind: 'data', ringId: ring.id, seq, origin: old.origin, entries: old.entries, old: { ringId: old.ringId, seq: old.seq } };
      ring.add(packet);
      this.#send(ring.others, packet);
      this.stats.packetsSent += 1;
    }
    return seq;
  }

  #forward(ring: RingState, token: TokenPacket, idle: boolean): void {
    if (ring !== this.#activeRing()) return;
    const to = ring.next;
    if (to === this.#self) {
      // Alone in the ring: the token comes straight back, after a pause when there is nothing to do.
      ring.lastHop = token.hop;
      const pauseMs = idle ? Math.max(1, this.#options.idleTokenHoldMs) : 0;
      this.#held = { ring, token, deadline: this.#now + pauseMs };
      this.#tokenLossDeadline = this.#now + this.#options.timeouts.tokenLossMs;
      return;
    }
    this.#send([to], token);
    this.#retransmit = { packet: token, to, deadline: this.#now + this.#options.timeouts.tokenRetransmitMs };
  }

  #onTokenAck(ack: TokenAckPacket): void {
    const pending = this.#retransmit;
    if (pending === null || pending.to !== ack.sender || pending.packet.hop !== ack.hop) return;
    if (sameRing(pending.packet.ringId, ack.ringId)) this.#retransmit = null;
  }

  #ack(to: DaemonName, packet: TokenPacket | CommitPacket): void {
    this.#send([to], { kind: 'token-ack', ringId: packet.ringId, hop: packet.hop, sender: this.#self });
  }

  // ---- delivery ------------------------------------------------------------------------

  /** Operational delivery: in sequence order, SAFE packets only once every member holds them. */
  #deliver(): void {
    const ring = this.#installed!;
    for (;;) {
      const packet = ring.store.get(this.#delivered + 1);
      if (packet === undefined) break;
      if (hasSafe(packet) && packet.seq > this.#stable) break;
      this.#deliverPacket(packet);
      this.#delivered = packet.seq;
    }
    ring.discardUpTo(Math.min(this.#stable, this.#delivered));
  }

  #deliverPacket(packet: DataPacket): void {
    for (const entry of packet.entries) {
      const whole = this.#assembler.add(entry);
      if (whole !== null) this.#events.push({ kind: 'message', origin: packet.origin, safe: entry.safe, payload: whole });
    }
  }

  #install(installSeq: number): void {
    const forming = this.#forming!;
    const old = this.#installed;
    const plan = this.#plan;
    if (old !== null && plan !== null) this.#finishOldRing(old, plan, forming);
    const ring = forming.ring;
    this.#events.push({
      kind: 'regular',
      ringId: ring.id,
      members: ring.members,
      incarnations: ring.incarnations,
      previous: forming.infos.map((info) => info?.oldRingId ?? null),
    });
    this.#installed = ring;
    this.#delivered = installSeq;
    this.#stable = installSeq;
    this.#assembler.reset();
    this.#forming = null;
    this.#plan = null;
    this.#resend = [];
    this.#resendHead = 0;
    this.#phase = 'operational';
    this.#lookupDeadline = this.#now + this.#options.timeouts.lookupMs;
    this.stats.installs += 1;
  }

  /** Old regular configuration, then the transitional one, then what only it may deliver. */
  #finishOldRing(old: RingState, plan: RecoveryPlan, forming: FormingRing): void {
    const safeBound = Math.max(this.#stable, plan.stable);
    for (let seq = this.#delivered + 1; seq <= plan.highSeq; seq += 1) {
      const packet = old.store.get(seq);
      if (packet === undefined || (hasSafe(packet) && seq > safeBound)) break;
      this.#deliverPacket(packet);
      this.#delivered = seq;
    }
    this.#events.push({ kind: 'transitional', oldRingId: old.id, newRingId: forming.ring.id, members: plan.transitional });
    for (let seq = this.#delivered + 1; seq <= plan.highSeq; seq += 1) {
      const packet = old.store.get(seq);
      if (packet === undefined) {
        this.#assembler.reset();
        continue;
      }
      this.#deliverPacket(packet);
    }
  }

  // ---- membership ----------------------------------------------------------------------

  #enterGather(extra: readonly DaemonName[]): void {
    const start = new Set<DaemonName>(extra);
    for (const name of this.#installed?.members ?? []) start.add(name);
    for (const name of this.#forming?.ring.members ?? []) start.add(name);
    this.#restartGather([...start]);
  }

  #restartGather(start: readonly DaemonName[]): void {
    this.#phase = 'gather';
    this.#gather = new GatherState(this.#self, this.#options.incarnation, start, this.#order);
    this.#forming = null;
    this.#plan = null;
    this.#resend = [];
    this.#resendHead = 0;
    this.#held = null;
    this.#retransmit = null;
    this.#tokenLossDeadline = Infinity;
    this.#formDeadline = Infinity;
    this.#lookupDeadline = Infinity;
    this.#gatherDeadline = this.#now + this.#options.timeouts.gatherMs;
    // One join interval before deciding, so daemons that start together form one ring.
    this.#consensusNotBefore = this.#now + this.#options.timeouts.joinMs;
    this.#sendJoin();
    this.stats.gathers += 1;
  }

  #sendJoin(): void {
    const others = this.#options.segment.filter((name) => name !== this.#self);
    if (others.length > 0) this.#send(others, this.#gather.joinPacket(this.#options.incarnation, this.#ringSeq));
    this.#joinDeadline = this.#now + this.#options.timeouts.joinMs;
  }

  #tickGather(nowMs: number): void {
    if (this.#joinDeadline <= nowMs) this.#sendJoin();
    if (this.#gatherDeadline <= nowMs) {
      if (this.#gather.timeouts >= 1) {
        // Fail sets only grow within a gather, and a daemon in another's fail set fails that
        // one in turn: after a heal, stale fail sets can keep alive daemons apart for good.
        // A second timeout without consensus starts over with the daemons heard lately.
        this.#restartGather([...this.#gather.heardRecently]);
        return;
      }
      if (this.#gather.failSilent()) this.#sendJoin();
      this.#gatherDeadline = nowMs + this.#options.timeouts.gatherMs;
    }
    if (this.#formDeadline <= nowMs) {
      this.#enterGather([]);
      return;
    }
    this.#checkConsensus();
  }

  /** Whether a join should pull this daemon out of `ring` (not a late copy of an old gather's). */
  #joinDisturbs(ring: RingState, join: JoinPacket): boolean {
    return !ring.includes(join.sender, join.incarnation) || join.ringSeq >= ring.id.seq;
  }

  #onJoin(join: JoinPacket): void {
    if (join.sender === this.#self || !this.#order.has(join.sender)) return;
    if (join.ringSeq > this.#ringSeq) this.#ringSeq = join.ringSeq;
    if (this.#phase === 'operational' && this.#joinDisturbs(this.#installed!, join)) this.#enterGather([join.sender]);
    else if ((this.#phase === 'commit' || this.#phase === 'recovery') && this.#forming!.ring.members.includes(join.sender) && this.#joinDisturbs(this.#forming!.ring, join)) {
      // Only a member can break a ring being formed; a daemon outside it merges once it is installed.
      this.#enterGather([join.sender]);
    }
    if (this.#phase !== 'gather') return;
    if (this.#gather.merge(join)) this.#sendJoin();
    this.#checkConsensus();
  }

  #onProbe(probe: ProbePacket): void {
    if (probe.sender === this.#self || !this.#order.has(probe.sender)) return;
    if (probe.ringId.seq > this.#ringSeq) this.#ringSeq = probe.ringId.seq;
    const installed = this.#installed;
    if (this.#phase === 'operational' && installed !== null) {
      if (!installed.includes(probe.sender, probe.incarnation) || !sameRing(probe.ringId, installed.id)) this.#enterGather([probe.sender]);
      return;
    }
    if (this.#phase === 'gather' && this.#gather.add(probe.sender)) this.#sendJoin();
  }

  #probe(): void {
    const ring = this.#installed!;
    this.#lookupDeadline = this.#now + this.#options.timeouts.lookupMs;
    if (ring.myIndex !== 0) return;
    const outside = this.#options.segment.filter((name) => !ring.members.includes(name));
    if (outside.length === 0) return;
    this.#send(outside, { kind: 'probe', sender: this.#self, incarnation: this.#options.incarnation, ringId: ring.id });
  }

  #checkConsensus(): void {
    if (this.#phase !== 'gather' || this.#now < this.#consensusNotBefore || !this.#gather.hasConsensus()) return;
    const alive = this.#gather.alive();
    if (alive[0] === this.#self) {
      this.#formRing(alive);
      return;
    }
    if (this.#formDeadline === Infinity) this.#formDeadline = this.#now + this.#options.timeouts.formMs;
  }

  #myInfo(): MemberInfo {
    const installed = this.#installed;
    return {
      incarnation: this.#options.incarnation,
      oldRingId: installed?.id ?? null,
      oldAru: installed?.aru ?? 0,
      oldHighSeq: installed?.highSeq ?? 0,
      oldStable: this.#stable,
    };
  }

  #formRing(members: readonly DaemonName[]): void {
    this.#ringSeq = Math.max(this.#ringSeq, this.#installed?.id.seq ?? 0) + 1;
    const ringId = { rep: this.#self, repIncarnation: this.#options.incarnation, seq: this.#ringSeq };
    const incarnations = members.map((name) => this.#gather.incarnations.get(name) ?? 0);
    const ring = new RingState(ringId, members, incarnations, this.#self);
    const infos = members.map((name) => (name === this.#self ? this.#myInfo() : null));
    this.#forming = { ring, infos, installSeq: -1 };
    this.#enterCommit();
    this.#passCommit({ kind: 'commit', ringId, hop: 1, sender: this.#self, members, incarnations, infos, rotation: 1 });
  }

  #enterCommit(): void {
    this.#phase = 'commit';
    this.#gatherDeadline = Infinity;
    this.#joinDeadline = Infinity;
    this.#consensusNotBefore = -Infinity;
    this.#formDeadline = this.#now + this.#options.timeouts.formMs;
  }

  #passCommit(commit: CommitPacket): void {
    const to = this.#forming!.ring.next;
    if (to === this.#self) {
      this.#selfQueue.push(commit);
      return;
    }
    this.#send([to], commit);
    this.#retransmit = { packet: commit, to, deadline: this.#now + this.#options.timeouts.tokenRetransmitMs };
  }

  #drainSelf(): void {
    for (let commit = this.#selfQueue.shift(); commit !== undefined; commit = this.#selfQueue.shift()) this.#onCommit(commit);
  }

  #onCommit(commit: CommitPacket): void {
    const count = commit.members.length;
    if (commit.incarnations.length !== count || commit.infos.length !== count || commit.members.some((name) => !this.#order.has(name))) {
      this.stats.malformedPackets += 1;
      return;
    }
    const index = commit.members.indexOf(this.#self);
    if (index < 0 || commit.incarnations[index] !== this.#options.incarnation) return;
    if (commit.sender !== this.#self) this.#ack(commit.sender, commit);
    if (commit.ringId.seq > this.#ringSeq) this.#ringSeq = commit.ringId.seq;
    const forming = this.#forming;
    if (forming !== null && sameRing(forming.ring.id, commit.ringId)) {
      if (commit.hop <= forming.ring.lastHop) return;
    } else {
      if (this.#phase !== 'gather' || commit.rotation !== 1 || commit.ringId.seq <= (this.#installed?.id.seq ?? 0)) return;
      const ring = new RingState(commit.ringId, commit.members, commit.incarnations, this.#self);
      this.#forming = { ring, infos: commit.infos, installSeq: -1 };
      this.#enterCommit();
    }
    const current = this.#forming!;
    current.ring.lastHop = commit.hop;
    if (this.#retransmit !== null && this.#retransmit.packet.hop < commit.hop) this.#retransmit = null;
    if (this.#phase === 'commit') this.#formDeadline = this.#now + this.#options.timeouts.formMs;
    const next = { ...commit, hop: commit.hop + 1, sender: this.#self };
    if (commit.rotation === 1 && index === 0) {
      current.infos = commit.infos;
      this.#enterRecovery();
      this.#passCommit({ ...next, rotation: 2 });
    } else if (commit.rotation === 1) {
      const infos = commit.infos.slice();
      infos[index] = this.#myInfo();
      current.infos = infos;
      this.#passCommit({ ...next, infos });
    } else if (index === 0) {
      this.#startRecoveryToken(current, commit.hop + 1);
    } else if (this.#phase === 'commit') {
      current.infos = commit.infos;
      this.#enterRecovery();
      this.#passCommit(next);
    }
  }

  #enterRecovery(): void {
    const forming = this.#forming!;
    this.#phase = 'recovery';
    this.#reportedBacklog = 0;
    this.#formDeadline = Infinity;
    this.#tokenLossDeadline = this.#now + this.#options.timeouts.tokenLossMs;
    const installed = this.#installed;
    if (installed === null) return;
    this.#plan = recoveryPlan(installed.id, forming.ring.members, forming.infos);
    this.#resend = packetsToResend(installed.store, this.#plan);
    this.#resendHead = 0;
  }

  /** The commit token's second rotation is back at the representative: it becomes the token. */
  #startRecoveryToken(forming: FormingRing, hop: number): void {
    const count = forming.ring.members.length;
    const token: TokenPacket = {
      kind: 'token',
      ringId: forming.ring.id,
      hop,
      sender: this.#self,
      seq: 0,
      arus: new Array<number>(count).fill(0),
      rtr: [],
      backlog: 0,
      recovered: new Array<boolean>(count).fill(false),
      installSeq: -1,
    };
    forming.ring.lastHop = hop;
    this.#visit(forming.ring, token);
  }

  #send(to: readonly DaemonName[], packet: RingPacket): void {
    if (to.length > 0) this.#sends.push({ to, packet });
  }
}

/**
 * A token from an authenticated peer can still be wrong (a bug, another version): one whose
 * per-member arrays do not match the ring would make SAFE delivery unsound, so it is dropped.
 */
function tokenFits(token: TokenPacket, members: number): boolean {
  return token.arus.length === members && token.recovered.length === members;
}

function minOf(values: readonly number[]): number {
  let min = Infinity;
  for (const value of values) if (value < min) min = value;
  return min;
}

function hasSafe(packet: DataPacket): boolean {
  for (const entry of packet.entries) if (entry.safe) return true;
  return false;
}
