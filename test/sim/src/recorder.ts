/**
 * Everything the checkers need, recorded as the run goes: what each daemon incarnation
 * sent, held and delivered, in which configuration, and the checks that must hold at the
 * moment of delivery (SAFE: every member of the configuration holds the message then).
 */
import { type DataPacket, type RingEvent, ringIdText } from '@ringlog/ring';
import { payloadId } from './sim-payload.ts';

export interface SentMessage {
  readonly id: string;
  /** `name#incarnation` of the sender. */
  readonly sender: string;
  /** The sender's daemon name. */
  readonly origin: string;
  readonly counter: number;
  /** Spread's service; SAFE is the only one the ring delivers differently. */
  readonly service: 'UNRELIABLE' | 'RELIABLE' | 'FIFO' | 'CAUSAL' | 'AGREED' | 'SAFE';
  readonly safe: boolean;
  readonly selfDiscard: boolean;
  readonly bytes: number;
  readonly fragments: number;
}

export interface Delivery {
  readonly id: string;
  readonly config: string;
}

interface Incarnation {
  readonly key: string;
  readonly deliveries: Delivery[];
  readonly delivered: Set<string>;
  /** Per message id, a bit per fragment held. */
  readonly holdings: Map<string, number>;
  /** Messages the sender's own client received (self-discarded ones are not). */
  readonly clientReceived: Set<string>;
  config: string;
  /** `name#incarnation` of each member of the current regular configuration. */
  regularMembers: readonly string[];
  regularRing: string;
  transitionalMembers: readonly string[];
}

export class Recorder {
  readonly sent = new Map<string, SentMessage>();
  readonly incarnations = new Map<string, Incarnation>();
  /** For each transitional configuration: the incarnations that delivered it. */
  readonly transitions = new Map<string, { readonly oldConfig: string; readonly members: string[] }>();
  readonly violations: string[] = [];
  #now = 0;

  setNow(nowMs: number): void {
    this.#now = nowMs;
  }

  incarnation(key: string): Incarnation {
    let record = this.incarnations.get(key);
    if (record === undefined) {
      record = {
        key,
        deliveries: [],
        delivered: new Set(),
        holdings: new Map(),
        clientReceived: new Set(),
        config: 'none',
        regularMembers: [],
        regularRing: 'none',
        transitionalMembers: [],
      };
      this.incarnations.set(key, record);
    }
    return record;
  }

  violation(text: string): void {
    if (this.violations.length < 20) this.violations.push(`t=${this.#now.toFixed(3)}ms ${text}`);
  }

  /** A daemon holds every fragment in a packet it sent or received. */
  hold(key: string, packet: DataPacket): void {
    const holdings = this.incarnation(key).holdings;
    for (const entry of packet.entries) {
      const id = payloadId(entry.payload);
      if (id === null) this.violation(`${key} holds a fragment without an id`);
      else holdings.set(id, (holdings.get(id) ?? 0) | (1 << entry.fragIndex));
    }
  }

  event(key: string, event: RingEvent): void {
    const record = this.incarnation(key);
    if (event.kind === 'regular') {
      record.regularRing = ringIdText(event.ringId);
      record.config = `R:${record.regularRing}`;
      record.regularMembers = event.members.map((name, index) => `${name}#${event.incarnations[index]}`);
      return;
    }
    if (event.kind === 'transitional') {
      const oldRing = ringIdText(event.oldRingId);
      if (oldRing !== record.regularRing) this.violation(`${key} transitional from ${oldRing} but its regular configuration is ${record.regularRing}`);
      const config = `T:${oldRing}->${ringIdText(event.newRingId)}`;
      record.config = config;
      record.transitionalMembers = record.regularMembers.filter((member) => event.members.includes(member.split('#')[0]!));
      if (!record.transitionalMembers.includes(key)) this.violation(`${key} is not in its own transitional configuration ${config}`);
      let transition = this.transitions.get(config);
      if (transition === undefined) {
        transition = { oldConfig: `R:${oldRing}`, members: [] };
        this.transitions.set(config, transition);
      }
      transition.members.push(key);
      return;
    }
    this.#message(record, event.payload, event.origin);
  }

  #message(record: Incarnation, payload: Uint8Array, origin: string): void {
    const id = payloadId(payload);
    const sent = id === null ? undefined : this.sent.get(id);
    if (id === null || sent === undefined) {
      this.violation(`${record.key} delivered a message nobody sent (${id ?? 'no id'})`);
      return;
    }
    if (payload.length !== sent.bytes) this.violation(`${record.key} delivered ${id} with ${payload.length} bytes, sent ${sent.bytes}`);
    if (sent.origin !== origin) this.violation(`${record.key} delivered ${id} from ${origin}, sent by ${sent.sender}`);
    if (record.delivered.has(id)) this.violation(`${record.key} delivered ${id} twice`);
    record.delivered.add(id);
    record.deliveries.push({ id, config: record.config });
    if (sent.sender === record.key && !sent.selfDiscard) record.clientReceived.add(id);
    if (sent.safe) this.#checkSafe(record, sent);
  }

  #checkSafe(record: Incarnation, sent: SentMessage): void {
    const members = record.config.startsWith('T:') ? record.transitionalMembers : record.regularMembers;
    const all = (1 << sent.fragments) - 1;
    for (const member of members) {
      const held = this.incarnation(member).holdings.get(sent.id) ?? 0;
      if ((held & all) !== all) {
        this.violation(`${record.key} delivered SAFE ${sent.id} in ${record.config} before member ${member} held all its fragments`);
        return;
      }
    }
  }
}
