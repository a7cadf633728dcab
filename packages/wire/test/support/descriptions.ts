/**
 * Reads the capture proxy's own decoding of each record (its description and detail
 * lines), so the vector tests can check our decoders against an independent reading.
 * Each parser throws when the text does not have the expected shape.
 */
import type { CaptureRecord } from './captures.ts';

export interface DescribedGroupId {
  readonly procId: number;
  readonly time: number;
  readonly index: number;
}

export interface DescribedMessage {
  /** `type=0x…` as printed: the raw wire value, endian marker included. */
  readonly rawType: number;
  /** The bracketed flag names, e.g. ['JOIN_MESS', 'ENDIAN(little)']. */
  readonly typeNames: readonly string[];
  readonly littleEndian: boolean;
  readonly name: string;
  readonly numGroups: number;
  readonly hint: number;
  readonly messType: number;
  readonly dataLength: number;
  readonly groups: readonly string[];
  /** The `data: "…"` line, when the proxy printed one. */
  readonly data: string | null;
  readonly membership: {
    readonly groupId: DescribedGroupId;
    readonly numVsSets: number;
    readonly localVsSetOffset: number;
    readonly vsSets: readonly { readonly offset: number; readonly members: readonly string[] }[];
  } | null;
  /** The `transitional body: group_id={…}` line, when present. */
  readonly transitionalGroupId: DescribedGroupId | null;
}

export interface DescribedHello {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly flags: number;
  readonly membership: boolean;
  readonly priority: number;
  readonly nameLength: number;
  readonly name: string;
}

const MESSAGE = /^MESSAGE type=0x([0-9a-f]{8}) \[([^\]]*)\] (little|big)-endian; name='([^']*)' num_groups=(-?\d+) hint=0x([0-9a-f]{8}) \(mess_type=(\d+)\) data_len=(-?\d+)$/;
const GROUP_ID = /group_id=\{proc_id:(\d+), time:(\d+), index:(\d+)\}/;
const MEMB_BODY = /^memb body: group_id=\{[^}]*\} num_vs_sets=(\d+) local_vs_set_offset=(\d+)$/;
const VS_SET = /^vs_set\[(\d+)\] at offset (\d+): (\d+) member\(s\) (\[.*\])$/;
const HELLO = /^CONNECT: lib version (\d+)\.(\d+)\.(\d+), flags 0x([0-9a-f]+) \(membership=([01]), priority=(\d+)\), name_len (-?\d+), name '([^']*)'$/;
const AUTH_LIST = /^AUTH LIST: len (\d+) '([^']*)'$/;
const AUTH_CHOICE = /^AUTH CHOICE \(90 bytes = 3 slots x 30\): (\[.*\])$/;
const ACCEPT = /^ACCEPT_SESSION: daemon version (\d+)\.(\d+)\.(\d+), private group len (\d+) '([^']*)'$/;
const REJECT = /^(?:SESSION )?REJECT code (-?\d+)$/;

function must(match: RegExpExecArray | null, what: string, record: CaptureRecord): RegExpExecArray {
  if (match === null) throw new Error(`Line ${record.line}: not a ${what} description: ${record.description}`);
  return match;
}

function detail(record: CaptureRecord, prefix: string): string | null {
  return record.details.find((line) => line.startsWith(prefix)) ?? null;
}

function groupId(text: string, record: CaptureRecord): DescribedGroupId {
  const match = must(GROUP_ID.exec(text), 'group_id', record);
  return { procId: Number(match[1]), time: Number(match[2]), index: Number(match[3]) };
}

function describeMembership(record: CaptureRecord): DescribedMessage['membership'] {
  const line = detail(record, 'memb body: ');
  if (line === null) return null;
  const match = must(MEMB_BODY.exec(line), 'memb body', record);
  const vsSets = record.details
    .filter((l) => l.startsWith('vs_set['))
    .map((l) => {
      const set = must(VS_SET.exec(l), 'vs_set', record);
      const members = JSON.parse(set[4] as string) as string[];
      if (members.length !== Number(set[3])) throw new Error(`Line ${record.line}: vs_set member count disagrees`);
      return { offset: Number(set[2]), members };
    });
  return { groupId: groupId(line, record), numVsSets: Number(match[1]), localVsSetOffset: Number(match[2]), vsSets };
}

export function describeMessage(record: CaptureRecord): DescribedMessage {
  const match = must(MESSAGE.exec(record.description), 'MESSAGE', record);
  const groupsLine = detail(record, 'groups: ');
  const dataLine = detail(record, 'data: ');
  const transitional = detail(record, 'transitional body: ');
  return {
    rawType: Number.parseInt(match[1] as string, 16),
    typeNames: (match[2] as string).split('|'),
    littleEndian: match[3] === 'little',
    name: match[4] as string,
    numGroups: Number(match[5]),
    hint: Number.parseInt(match[6] as string, 16),
    messType: Number(match[7]),
    dataLength: Number(match[8]),
    groups: groupsLine === null ? [] : (JSON.parse(groupsLine.slice('groups: '.length)) as string[]),
    data: dataLine === null ? null : (JSON.parse(dataLine.slice('data: '.length)) as string),
    membership: describeMembership(record),
    transitionalGroupId: transitional === null ? null : groupId(transitional, record),
  };
}

export function describeHello(record: CaptureRecord): DescribedHello {
  const match = must(HELLO.exec(record.description), 'CONNECT', record);
  const flags = Number.parseInt(match[4] as string, 16);
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    flags,
    membership: match[5] === '1',
    priority: Number(match[6]),
    nameLength: Number(match[7]),
    name: match[8] as string,
  };
}

export function describeAuthList(record: CaptureRecord): { readonly length: number; readonly text: string } {
  const match = must(AUTH_LIST.exec(record.description), 'AUTH LIST', record);
  return { length: Number(match[1]), text: match[2] as string };
}

export function describeAuthChoice(record: CaptureRecord): readonly string[] {
  const match = must(AUTH_CHOICE.exec(record.description), 'AUTH CHOICE', record);
  return JSON.parse(match[1] as string) as string[];
}

export function describeAccept(record: CaptureRecord): { readonly major: number; readonly minor: number; readonly patch: number; readonly privateGroup: string } {
  const match = must(ACCEPT.exec(record.description), 'ACCEPT_SESSION', record);
  const privateGroup = match[5] as string;
  if (privateGroup.length !== Number(match[4])) throw new Error(`Line ${record.line}: accept name length disagrees`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), privateGroup };
}

export function describeReject(record: CaptureRecord): number {
  return Number(must(REJECT.exec(record.description), 'REJECT', record)[1]);
}

/** What kind of record the proxy says this is, from the start of its description. */
export type RecordKind = 'hello' | 'auth-list' | 'auth-choice' | 'accept' | 'reject' | 'message' | 'trailing';

export function recordKind(record: CaptureRecord): RecordKind {
  const d = record.description;
  if (d.startsWith('CONNECT: ')) return 'hello';
  if (d.startsWith('AUTH LIST: ')) return 'auth-list';
  if (d.startsWith('AUTH CHOICE ')) return 'auth-choice';
  if (d.startsWith('ACCEPT_SESSION: ')) return 'accept';
  if (REJECT.test(d)) return 'reject';
  if (d.startsWith('MESSAGE ')) return 'message';
  if (d === 'trailing bytes') return 'trailing';
  throw new Error(`Line ${record.line}: unknown record kind: ${d}`);
}
