/**
 * CollectorAcks on its own (no daemon): which acknowledgements count, learning collectors and
 * persisting them (collectors.json), the release offset (minimum over the collectors that still
 * count), gaps, stuck collectors and their clocks, and damaged state files.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AckEntry, AckMessage, NodeId } from '@ringlog/delivery';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACK_TIMEOUT_MS, CollectorAcks, type CollectorAcksOptions } from '../src/collector-acks.ts';

const SHIPPER: NodeId = '5419900000000000000000000000abcd';
const OTHER_SHIPPER: NodeId = '07e4000000000000000000000000abcd';
const C1: NodeId = 'c1000000000000000000000000000001';
const C2: NodeId = 'c2000000000000000000000000000002';
const C3: NodeId = 'c3000000000000000000000000000003';
const END = 1_000_000;
const T0 = 1_700_000_000_000;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rl-collector-acks-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function knownFile(): string {
  return join(dir, 'collectors.json');
}

function acksWith(overrides: Partial<CollectorAcksOptions> = {}): CollectorAcks {
  return new CollectorAcks({ shipperId: SHIPPER, knownFile: knownFile(), laggingMaxBytes: 1 << 20, startOffset: 0, ...overrides });
}

function ack(collectorId: NodeId, writtenTo: number, gap = false, extra: readonly AckEntry[] = []): AckMessage {
  return { collectorId, entries: [...extra, { shipperId: SHIPPER, writtenTo, gap }] };
}

function savedCollectors(): unknown {
  return (JSON.parse(readFileSync(knownFile(), 'utf8')) as { collectors: unknown }).collectors;
}

describe('CollectorAcks - receiving', () => {
  it('ignores messages without an entry for this shipper', () => {
    const acks = acksWith();
    const outcome = acks.receive({ collectorId: C1, entries: [{ shipperId: OTHER_SHIPPER, writtenTo: 500, gap: true }] }, END, T0);
    expect(outcome).toEqual({ releaseTo: null, rewindTo: null });
    expect(acks.receive({ collectorId: C1, entries: [] }, END, T0)).toEqual({ releaseTo: null, rewindTo: null });
    expect(acks.collectorsKnown).toBe(0);
    expect(acks.stats).toEqual({ acksReceived: 0, acksIgnored: 0, gapsReported: 0, stuckResends: 0 });
    expect(existsSync(knownFile())).toBe(false);
  });

  it('picks this shipper out of a message naming several', () => {
    const acks = acksWith();
    const outcome = acks.receive(ack(C1, 300, false, [{ shipperId: OTHER_SHIPPER, writtenTo: 900, gap: true }]), END, T0);
    expect(outcome).toEqual({ releaseTo: 300, rewindTo: null });
    expect(acks.stats.gapsReported).toBe(0);
  });

  it('learns a collector on its first acknowledgement and persists it atomically', () => {
    const acks = acksWith();
    expect(acks.receive(ack(C1, 400), END, T0)).toEqual({ releaseTo: 400, rewindTo: null });
    expect(acks.collectorsKnown).toBe(1);
    expect(acks.stats.acksReceived).toBe(1);
    expect(savedCollectors()).toEqual([C1]);
    expect(readdirSync(dir)).toEqual(['collectors.json']); // no .tmp left behind
    acks.receive(ack(C2, 200), END, T0);
    expect(savedCollectors()).toEqual([C1, C2]);
    expect(readdirSync(dir)).toEqual(['collectors.json']);
    expect(acks.writtenTo()).toEqual(new Map([[C1, 400], [C2, 200]]));
  });

  it('does not rewrite collectors.json for a collector it already knows', () => {
    const acks = acksWith();
    acks.receive(ack(C1, 100), END, T0);
    writeFileSync(knownFile(), '{"collectors":[]}\n'); // a rewrite would replace this
    acks.receive(ack(C1, 200), END, T0 + 1);
    expect(savedCollectors()).toEqual([]);
  });

  it('a new CollectorAcks reads collectors.json back and starts them at startOffset', () => {
    const first = acksWith();
    first.receive(ack(C1, 900), END, T0);
    first.receive(ack(C2, 700), END, T0);
    const second = acksWith({ startOffset: 650 });
    expect(second.collectorsKnown).toBe(2);
    expect(second.writtenTo()).toEqual(new Map([[C1, 650], [C2, 650]]));
    // C2 is still at 650 as far as this run knows: it holds the release back.
    expect(second.receive(ack(C1, 950), END, T0 + 10).releaseTo).toBe(650);
    expect(second.receive(ack(C2, 800), END, T0 + 10).releaseTo).toBe(800);
    expect(second.collectorsKnown).toBe(2);
  });

  it('releaseTo is the minimum over the known collectors, and never goes down with a stale ack', () => {
    const acks = acksWith();
    expect(acks.receive(ack(C1, 500), END, T0).releaseTo).toBe(500);
    expect(acks.receive(ack(C2, 300), END, T0).releaseTo).toBe(300);
    expect(acks.receive(ack(C1, 800), END, T0).releaseTo).toBe(300);
    expect(acks.receive(ack(C2, 600), END, T0).releaseTo).toBe(600);
    // An older acknowledgement arriving late does not move a collector back.
    expect(acks.receive(ack(C2, 100), END, T0).releaseTo).toBe(600);
    expect(acks.writtenTo().get(C2)).toBe(600);
    expect(acks.receive(ack(C2, 900), END, T0).releaseTo).toBe(800);
  });

  it('a collector more than laggingMaxBytes behind the most advanced no longer holds the release', () => {
    const acks = acksWith({ laggingMaxBytes: 100 });
    acks.receive(ack(C1, 1000), END, T0);
    expect(acks.receive(ack(C2, 900), END, T0).releaseTo).toBe(900); // exactly laggingMaxBytes behind: counts
    expect(acks.receive(ack(C1, 1001), END, T0).releaseTo).toBe(1001); // 101 behind: lagging
    expect(acks.receive(ack(C1, 1500), END, T0).releaseTo).toBe(1500);
    // Back within reach, it counts again.
    expect(acks.receive(ack(C2, 1450), END, T0).releaseTo).toBe(1450);
    // A third one, lagging, does not count either; the closest two do.
    expect(acks.receive(ack(C3, 10), END, T0).releaseTo).toBe(1450);
    expect(acks.collectorsKnown).toBe(3);
  });

  it('an acknowledgement beyond endOffset is ignored (and does not teach the collector)', () => {
    const acks = acksWith();
    expect(acks.receive(ack(C1, END + 1), END, T0)).toEqual({ releaseTo: null, rewindTo: null });
    expect(acks.stats.acksReceived).toBe(1);
    expect(acks.stats.acksIgnored).toBe(1);
    expect(acks.collectorsKnown).toBe(0);
    expect(existsSync(knownFile())).toBe(false);
    // A known collector's acknowledgement beyond the end changes nothing either.
    acks.receive(ack(C1, 100), END, T0);
    expect(acks.receive(ack(C1, END + 500, true), END, T0)).toEqual({ releaseTo: null, rewindTo: null });
    expect(acks.stats.acksIgnored).toBe(2);
    expect(acks.stats.gapsReported).toBe(0);
    expect(acks.writtenTo().get(C1)).toBe(100);
    // endOffset itself is fine.
    expect(acks.receive(ack(C1, END), END, T0).releaseTo).toBe(END);
  });

  it('a gap asks for everything from the collector written-to offset again', () => {
    const acks = acksWith();
    acks.receive(ack(C1, 500), END, T0);
    acks.receive(ack(C2, 500), END, T0);
    expect(acks.receive(ack(C2, 700, true), END, T0)).toEqual({ releaseTo: 500, rewindTo: 700 });
    expect(acks.stats.gapsReported).toBe(1);
    // A gap on a collector's first acknowledgement too.
    expect(acks.receive(ack(C3, 200, true), END, T0)).toEqual({ releaseTo: 200, rewindTo: 200 });
    expect(acks.stats.gapsReported).toBe(2);
    expect(acks.receive(ack(C3, 200), END, T0).rewindTo).toBeNull();
    expect(acks.stats.acksReceived).toBe(5);
  });
});

describe('CollectorAcks - stuck collectors', () => {
  it('is stuck only when heard within ACK_TIMEOUT_MS, not moved for ACK_TIMEOUT_MS, and behind sentOffset', () => {
    const acks = acksWith();
    acks.receive(ack(C1, 100), END, T0); // learned at T0: its clock starts
    expect(acks.stuckOffset(500, T0 + ACK_TIMEOUT_MS - 1)).toBeNull(); // not long enough without moving; and still alive
    acks.receive(ack(C1, 100), END, T0 + ACK_TIMEOUT_MS - 200); // alive, not moving
    expect(acks.stuckOffset(100, T0 + ACK_TIMEOUT_MS)).toBeNull(); // not behind what was sent
    expect(acks.stuckOffset(500, T0 + ACK_TIMEOUT_MS)).toBe(100);
    expect(acks.stats.stuckResends).toBe(1);
  });

  it('resets the clock of the collectors it returns: no repeat within ACK_TIMEOUT_MS', () => {
    const acks = acksWith();
    acks.receive(ack(C1, 100), END, T0);
    acks.receive(ack(C1, 100), END, T0 + 2900);
    const resentAt = T0 + ACK_TIMEOUT_MS;
    expect(acks.stuckOffset(500, resentAt)).toBe(100);
    for (let at = resentAt + 200; at < resentAt + ACK_TIMEOUT_MS; at += 200) {
      acks.receive(ack(C1, 100), END, at);
      expect(acks.stuckOffset(500, at)).toBeNull();
    }
    acks.receive(ack(C1, 100), END, resentAt + ACK_TIMEOUT_MS - 1);
    expect(acks.stuckOffset(500, resentAt + ACK_TIMEOUT_MS)).toBe(100);
    expect(acks.stats.stuckResends).toBe(2);
  });

  it('a collector that moves is not stuck; one that stops moving is, ACK_TIMEOUT_MS after its last move', () => {
    const acks = acksWith();
    acks.receive(ack(C1, 100), END, T0);
    acks.receive(ack(C1, 200), END, T0 + 2000);
    acks.receive(ack(C1, 200), END, T0 + 4000);
    expect(acks.stuckOffset(500, T0 + 4000)).toBeNull(); // moved at T0 + 2000
    acks.receive(ack(C1, 200), END, T0 + 4900);
    expect(acks.stuckOffset(500, T0 + 5000)).toBe(200);
  });

  it('a silent collector is not stuck: it asks when it returns', () => {
    const acks = acksWith();
    acks.receive(ack(C1, 100), END, T0);
    expect(acks.stuckOffset(500, T0 + ACK_TIMEOUT_MS)).toBeNull(); // last heard ACK_TIMEOUT_MS ago
    expect(acks.stuckOffset(500, T0 + 60_000)).toBeNull();
    expect(acks.stats.stuckResends).toBe(0);
  });

  it('returns the lowest offset over the stuck collectors and counts one resend', () => {
    const acks = acksWith();
    acks.receive(ack(C1, 300), END, T0);
    acks.receive(ack(C2, 150), END, T0);
    acks.receive(ack(C3, 50), END, T0);
    acks.receive(ack(C1, 300), END, T0 + 3500);
    acks.receive(ack(C2, 150), END, T0 + 3500);
    acks.receive(ack(C3, 400), END, T0 + 3500); // moved: not stuck, although lowest before
    expect(acks.stuckOffset(500, T0 + 3600)).toBe(150);
    expect(acks.stats.stuckResends).toBe(1);
    // Both stuck ones had their clocks reset.
    expect(acks.stuckOffset(500, T0 + 3700)).toBeNull();
  });

  it('collectors known at start and never heard are not stuck', () => {
    new CollectorAcks({ shipperId: SHIPPER, knownFile: knownFile(), laggingMaxBytes: 1 << 20, startOffset: 0 }).receive(ack(C1, 100), END, T0);
    const acks = acksWith({ startOffset: 100 });
    expect(acks.collectorsKnown).toBe(1);
    expect(acks.stuckOffset(500, T0)).toBeNull();
    expect(acks.stuckOffset(500, T0 + 10 * ACK_TIMEOUT_MS)).toBeNull();
    expect(acks.stats.stuckResends).toBe(0);
  });

  it('a collector known at start that speaks again behind is stuck only ACK_TIMEOUT_MS after it was first heard', () => {
    acksWith().receive(ack(C1, 100), END, T0);
    const acks = acksWith({ startOffset: 100 });
    const restartedAt = T0 + 60_000;
    acks.receive(ack(C1, 100), END, restartedAt);
    expect(acks.stuckOffset(500, restartedAt + 1)).toBeNull();
    acks.receive(ack(C1, 100), END, restartedAt + 2900);
    expect(acks.stuckOffset(500, restartedAt + 2999)).toBeNull();
    expect(acks.stuckOffset(500, restartedAt + ACK_TIMEOUT_MS)).toBe(100);
  });
});

describe('CollectorAcks - collectors.json', () => {
  it('a damaged collectors.json is treated as empty, and rewritten on the next new collector', () => {
    writeFileSync(knownFile(), '{"collectors": ["c1000000');
    const acks = acksWith({ startOffset: 50 });
    expect(acks.collectorsKnown).toBe(0);
    expect(acks.receive(ack(C2, 80), END, T0).releaseTo).toBe(80);
    expect(savedCollectors()).toEqual([C2]);
  });

  it.each([
    ['null', 'null\n'],
    ['a list', `["${C1}"]\n`],
    ['collectors not a list', `{"collectors": "${C1}"}\n`],
    ['empty', ''],
  ])('collectors.json holding %s is treated as empty', (_name, text) => {
    writeFileSync(knownFile(), text);
    expect(acksWith().collectorsKnown).toBe(0);
  });

  it('keeps only the valid ids of a collectors.json', () => {
    writeFileSync(knownFile(), JSON.stringify({ collectors: [C1, 'C2000000000000000000000000000002', 'short', 42, null, C3] }));
    const acks = acksWith({ startOffset: 7 });
    expect(acks.writtenTo()).toEqual(new Map([[C1, 7], [C3, 7]]));
  });

  it('a collectors.json that cannot be read (not ENOENT) is an error, not an empty list', () => {
    mkdirSync(knownFile());
    expect(() => acksWith()).toThrow();
  });
});
