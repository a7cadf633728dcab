/**
 * What daemons of a segment send one another. These are the protocol's own values; the
 * byte encoding and its authentication live in packet-codec.ts and the UDP transport, so the
 * state machine and the simulator can exchange these objects directly.
 */

/** A daemon's name as configured in the segment. */
export type DaemonName = string;

/**
 * Identifies one ring. `seq` grows with every ring any member has seen; the representative's
 * name and incarnation make it unique even when two partitions pick the same `seq`, or a
 * daemon restarted with lost state picks a `seq` it already used.
 */
export interface RingId {
  readonly rep: DaemonName;
  readonly repIncarnation: number;
  readonly seq: number;
}

/** One client message, or one fragment of a message larger than a packet. */
export interface Entry {
  /** SAFE: delivered only once every member of the configuration holds it. */
  readonly safe: boolean;
  /** 0-based fragment index and count; a whole message is 0 of 1. */
  readonly fragIndex: number;
  readonly fragCount: number;
  readonly payload: Uint8Array;
}

/** A packet of client messages, ordered by its place in the ring's sequence. */
export interface DataPacket {
  readonly kind: 'data';
  readonly ringId: RingId;
  readonly seq: number;
  /** The daemon that first broadcast the entries (for a recovered packet: in its old ring). */
  readonly origin: DaemonName;
  readonly entries: readonly Entry[];
  /**
   * Present on a packet re-sent during recovery: the old ring and sequence number the
   * entries were first ordered at. `ringId`/`seq` are then its slot in the new ring.
   */
  readonly old?: { readonly ringId: RingId; readonly seq: number };
}

/** The token of an operational ring, or of a ring in recovery. */
export interface TokenPacket {
  readonly kind: 'token';
  readonly ringId: RingId;
  /** Counts hops since the ring formed; a daemon acts on a token only once per hop. */
  readonly hop: number;
  readonly sender: DaemonName;
  /** The highest sequence number assigned in this ring. */
  readonly seq: number;
  /** Each member's all-received-up-to, as it last wrote it; indexed like the ring's members. */
  readonly arus: readonly number[];
  /** Sequence numbers somebody is missing. */
  readonly rtr: readonly number[];
  /**
   * Messages waiting at the members, as each last reported it (its count replaces its previous
   * one). Nobody holds an idle token while this is above zero.
   */
  readonly backlog: number;
  /** Recovery only: whether each member has re-sent all of its old ring's packets. */
  readonly recovered: readonly boolean[];
  /** Recovery only: once all have re-sent, the last recovery sequence number; -1 before. */
  readonly installSeq: number;
}

/** Confirms a token or commit token hop, so the sender stops re-sending it. */
export interface TokenAckPacket {
  readonly kind: 'token-ack';
  readonly ringId: RingId;
  readonly hop: number;
  readonly sender: DaemonName;
}

/** Gather: who the sender thinks is alive (proc set) and who has failed (fail set). */
export interface JoinPacket {
  readonly kind: 'join';
  readonly sender: DaemonName;
  readonly incarnation: number;
  readonly procSet: readonly DaemonName[];
  readonly failSet: readonly DaemonName[];
  /** The highest ring seq the sender has seen, so the next ring's seq is higher. */
  readonly ringSeq: number;
}

/** What a member brings into a new ring from the configuration it leaves. */
export interface MemberInfo {
  readonly incarnation: number;
  /** Null for a daemon that has no previous ring (it just started). */
  readonly oldRingId: RingId | null;
  readonly oldAru: number;
  readonly oldHighSeq: number;
  /** The highest old-ring sequence number it knows every old member held (SAFE bound). */
  readonly oldStable: number;
}

/** Circulates twice around the new ring: first to collect member infos, then to share them. */
export interface CommitPacket {
  readonly kind: 'commit';
  readonly ringId: RingId;
  readonly hop: number;
  readonly sender: DaemonName;
  readonly members: readonly DaemonName[];
  readonly incarnations: readonly number[];
  /** Filled in by each member on the first rotation; null until then. */
  readonly infos: readonly (MemberInfo | null)[];
  readonly rotation: 1 | 2;
}

/** Sent by a ring's representative to configured daemons outside the ring, to find merges. */
export interface ProbePacket {
  readonly kind: 'probe';
  readonly sender: DaemonName;
  readonly incarnation: number;
  readonly ringId: RingId;
}

export type RingPacket = DataPacket | TokenPacket | TokenAckPacket | JoinPacket | CommitPacket | ProbePacket;

export function sameRing(a: RingId | null, b: RingId | null): boolean {
  if (a === null || b === null) return a === b;
  return a.seq === b.seq && a.rep === b.rep && a.repIncarnation === b.repIncarnation;
}

export function ringIdText(id: RingId): string {
  return `${id.rep}/${id.repIncarnation}/${id.seq}`;
}
