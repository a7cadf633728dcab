/**
 * Membership frames of the 3-daemon captures (shared/spec captures, sections 7 and 8), as a
 * Spread 5.0.1 daemon sent them to a watcher. Times of configurations formed after a fault
 * are parameters: the tests cannot fault at the captured second, so they compare every other
 * byte and check the time against the configuration's.
 */
const zeros = (n: number): string => '00'.repeat(n);
const name32 = (name: string): string => Buffer.from(name).toString('hex') + zeros(32 - name.length);
const u32 = (value: number): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0, 0);
  return bytes.toString('hex');
};
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** d1's virtual id in both captures: the representative of every configuration shown. */
export const CAPTURED_PROC_ID = 1552775919;
export const CRASH_RING_TIME_SECS = 1795307359;
export const MERGE_RING_TIME_SECS = 1795308581;

const W1 = '#w1#d1';
const W2 = '#w2#d2';
const W3 = '#w3#d3';

/** Section 7: the third join, seen at every member: kg = [w1, w2, w3], index 3. */
export function crashThirdJoin(timeSecs = CRASH_RING_TIME_SECS): Buffer {
  return hex(
    `80110080 ${name32('kg')} 03000000 80000080 38000000 ${name32(W1)} ${name32(W2)} ${name32(W3)}` +
      `ef7a8d5c ${u32(timeSecs)} 03000000 01000000 00000000 01000000 ${name32(W2)}`,
  );
}

/** Section 7: TRANSITION_MESS for kg after d3 died: the old group id, index 3. */
export function crashTransition(timeSecs = CRASH_RING_TIME_SECS): Buffer {
  return hex(`80200080 ${name32('kg')} 00000000 80000080 0c000000 ef7a8d5c ${u32(timeSecs)} 03000000`);
}

/** Section 7: REG_MEMB|CAUSED_BY_NETWORK for kg = [w1, w2], one vs_set. */
export function crashNetwork(timeSecs: number): Buffer {
  return hex(
    `80180080 ${name32('kg')} 02000000 80000080 58000000 ${name32(W1)} ${name32(W2)}` +
      `ef7a8d5c ${u32(timeSecs)} 01000000 01000000 00000000 02000000 ${name32(W1)} ${name32(W2)}`,
  );
}

/** Section 7: after d3 came back, w3b joined kg: a lightweight join in the crash configuration's group id. */
export function restartJoin(timeSecs: number): Buffer {
  return hex(
    `80110080 ${name32('kg')} 03000000 80000080 38000000 ${name32(W1)} ${name32(W2)} ${name32('#w3b#d3')}` +
      `ef7a8d5c ${u32(timeSecs)} 02000000 01000000 00000000 01000000 ${name32('#w3b#d3')}`,
  );
}

/** Section 8: TRANSITION_MESS for pg at the partition. */
export function partitionTransition(timeSecs = MERGE_RING_TIME_SECS): Buffer {
  return hex(`80200080 ${name32('pg')} 00000000 80000080 0c000000 ef7a8d5c ${u32(timeSecs)} 03000000`);
}

/** Section 8: REG_MEMB|CAUSED_BY_NETWORK for pg = [w1, w2] on the {d1, d2} side. */
export function partitionNetwork(timeSecs: number): Buffer {
  return hex(
    `80180080 ${name32('pg')} 02000000 80000080 58000000 ${name32(W1)} ${name32(W2)}` +
      `ef7a8d5c ${u32(timeSecs)} 01000000 01000000 00000000 02000000 ${name32(W1)} ${name32(W2)}`,
  );
}

/**
 * Section 8: the merge, REG_MEMB|CAUSED_BY_NETWORK for pg = [w1, w2, w3] with two vs_sets,
 * [w3] then [w1, w2]. The offset is 36 at a member on d1 (captured) and 0 at w3 (spec §6.5).
 */
export function mergeNetwork(timeSecs: number, localOffset: 0 | 36): Buffer {
  return hex(
    `80180080 ${name32('pg')} 03000000 80000080 7c000000 ${name32(W1)} ${name32(W2)} ${name32(W3)}` +
      `ef7a8d5c ${u32(timeSecs)} 01000000 02000000 ${u32(localOffset)} 01000000 ${name32(W3)} 02000000 ${name32(W1)} ${name32(W2)}`,
  );
}
