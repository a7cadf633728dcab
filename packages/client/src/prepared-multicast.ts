/**
 * A multicast whose header and group slots are encoded once and reused: the hot path of a
 * sender copies a ~80-byte template, patches data_len and appends the payload, with no
 * per-message validation, string encoding or allocation. Validation happens here, once.
 */
import { Limits, ServiceType, encodeMessage, hintFromMessType } from '@ringlog/wire';
import { checkMulticast, serviceBits, type SpreadService } from './service.ts';

export interface MulticastTarget {
  /** A service name, or its bit (optionally | SELF_DISCARD). */
  readonly service: SpreadService | number;
  /** Destination groups (1..100); a single name is accepted too. */
  readonly groups: readonly string[] | string;
  /** 16-bit application tag (libspread's mess_type); default 0. */
  readonly messType?: number;
  /** Do not deliver a copy to the sending session. */
  readonly selfDiscard?: boolean;
}

export interface MulticastOptions extends MulticastTarget {
  /** The payload; strings are sent as UTF-8. */
  readonly data: Uint8Array | string;
}

/** Offset of data_len in the header. */
export const DATA_LENGTH_OFFSET = 44;

export class PreparedMulticast {
  /** Wire type bits: one service bit, maybe SELF_DISCARD. */
  readonly type: number;
  readonly groups: readonly string[];
  readonly messType: number;
  /** 32 · groups: what the groups add to the body size limit. */
  readonly groupBytes: number;
  #templateSender: string | null = null;
  #template: Buffer | null = null;

  constructor(target: MulticastTarget, bodyMaxBytes: number = Limits.LIBRARY_BODY_MAX_BYTES) {
    const groups = typeof target.groups === 'string' ? [target.groups] : [...target.groups];
    const messType = target.messType ?? 0;
    let type = serviceBits(target.service);
    if (target.selfDiscard === true) type |= ServiceType.SELF_DISCARD;
    checkMulticast(groups, messType, 0, bodyMaxBytes);
    this.type = type;
    this.groups = Object.freeze(groups);
    this.messType = messType;
    this.groupBytes = groups.length * Limits.GROUP_NAME_BYTES;
  }

  /** Header (data_len 0) + group slots for frames sent by `sender`; cached per sender. */
  template(sender: string): Buffer {
    if (this.#template === null || this.#templateSender !== sender) {
      this.#template = encodeMessage({ type: this.type, sender, groups: this.groups, hint: hintFromMessType(this.messType & 0xffff) });
      this.#templateSender = sender;
    }
    return this.#template;
  }

  /** True when `target` describes this same multicast (used for a one-entry cache). */
  matches(target: MulticastTarget): boolean {
    const type = serviceBits(target.service) | (target.selfDiscard === true ? ServiceType.SELF_DISCARD : 0);
    if (type !== this.type) return false;
    if ((target.messType ?? 0) !== this.messType) return false;
    const groups = target.groups;
    if (typeof groups === 'string') return this.groups.length === 1 && this.groups[0] === groups;
    if (groups.length !== this.groups.length) return false;
    for (let i = 0; i < groups.length; i++) if (groups[i] !== this.groups[i]) return false;
    return true;
  }
}
