/**
 * A member that stops reading while another floods the group (spec §6.7, captures
 * section 6). The flood runs until the daemon reports the slow reader handled, so the test
 * does not depend on how much the kernel buffers. The flooder and an observer read each batch
 * back before the next is sent: if the slow reader ever stalled them, the test would hang.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonOptions } from '@ringlog/daemon';
import { decodeMessage, encodeMessage, hintFromMessType, type Message, ServiceType } from '@ringlog/wire';
import { type Connected, Harness, isMembership, type LogLine, memoryLogger, PINO_WARN } from './support/harness.ts';

const PAYLOAD_BYTES = 4_000;
const BATCH = 16;
/** Fail rather than flood forever: 80 MB is far past any loopback buffering. */
const MESSAGES_MAX = 20_000;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface Cast {
  readonly h: Harness;
  readonly lines: LogLine[];
  readonly flooder: Connected;
  readonly observer: Connected;
  readonly slow: Connected;
}

async function setUp(options: Partial<DaemonOptions>): Promise<Cast> {
  const log = memoryLogger();
  const h = await Harness.start({ sessionQueueMaxMessages: 50, socketHighWaterBytes: 4096, ...options }, { logger: log.logger });
  harness = h;
  // 'zslow' sorts last, so it is flushed after the others in a delivery turn.
  const flooder = await h.member('flood', 'demo');
  const observer = await h.member('obs', 'demo');
  const slow = await h.member('zslow', 'demo');
  for (let i = 0; i < 2; i++) await flooder.client.readMessage();
  await observer.client.readMessage();
  slow.client.socket.pause();
  return { h, lines: log.lines, flooder, observer, slow };
}

function dataMessage(sender: string, seq: number): Buffer {
  const data = Buffer.alloc(PAYLOAD_BYTES, 0x2e);
  data.writeUInt32LE(seq, 0);
  return encodeMessage({ type: ServiceType.AGREED, sender, groups: ['demo'], hint: hintFromMessType(1), data });
}

const seqOf = (message: Message): number => message.data.readUInt32LE(0);

/** Reads `count` data messages at `reader`, expecting seqs from `first` on; returns membership seen. */
async function readBatch(reader: Connected, first: number, count: number): Promise<Message[]> {
  const membership: Message[] = [];
  for (let i = 0; i < count; ) {
    const message = await reader.client.readMessage();
    if (isMembership(message)) {
      membership.push(message);
      continue;
    }
    expect(seqOf(message)).toBe(first + i);
    i++;
  }
  return membership;
}

/**
 * Sends batches until `handled()`, then `extra` more. The flooder and the observer read each
 * batch in full before the next is sent, so neither lags. Returns how many were sent and the
 * membership messages each of them saw.
 */
async function flood(cast: Cast, handled: () => boolean, extra: number): Promise<{ sent: number; membership: Message[][] }> {
  const readers = [cast.flooder, cast.observer];
  const membership: Message[][] = readers.map(() => []);
  let sent = 0;
  let extraLeft = extra;
  while (extraLeft > 0) {
    if (sent >= MESSAGES_MAX) throw new Error(`Sent ${sent} messages and the slow reader was never handled`);
    const batch: Buffer[] = [];
    for (let i = 0; i < BATCH; i++) batch.push(dataMessage(cast.flooder.group, sent + i));
    cast.flooder.client.write(Buffer.concat(batch));
    for (const [r, reader] of readers.entries()) membership[r]!.push(...(await readBatch(reader, sent, BATCH)));
    sent += BATCH;
    if (handled()) extraLeft -= BATCH;
  }
  return { sent, membership };
}

/** Whole frames in `bytes`; a trailing partial frame (cut by the close) is ignored. */
function framesIn(bytes: Buffer): Message[] {
  const messages: Message[] = [];
  let offset = 0;
  while (bytes.length - offset >= 48) {
    const length = 48 + bytes.readInt32LE(offset + 36) * 32 + bytes.readInt32LE(offset + 44);
    if (bytes.length - offset < length) break;
    messages.push(decodeMessage(bytes.subarray(offset, offset + length), true));
    offset += length;
  }
  return messages;
}

function expectIncreasing(seqs: readonly number[]): void {
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i]! <= seqs[i - 1]!) throw new Error(`Sequence goes from ${seqs[i - 1]} to ${seqs[i]} at ${i}`);
  }
}

describe('slow reader - disconnect policy', () => {
  it('slow reader - the slow session is closed, counted and logged; the others see it leave and keep receiving', async () => {
    const cast = await setUp({ sessionQueueFullPolicy: 'disconnect' });
    const { h, slow } = cast;
    const { sent, membership } = await flood(cast, () => h.daemon.counters.sessionsEnded.slow_reader === 1, 4 * BATCH);

    // Flooder and observer each saw every message in order (checked in flood) and one notice.
    for (const seen of membership) {
      expect(seen).toHaveLength(1);
      expect(seen[0]!.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_DISCONNECT);
      expect(seen[0]!.groups).toEqual(['#flood#localhost', '#obs#localhost']);
    }
    expect(h.daemon.counters.sessionsEnded).toEqual({ slow_reader: 1 });
    expect(h.daemon.sessionCount).toBe(2);
    const warn = cast.lines.filter((line) => line.level === PINO_WARN);
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ privateGroup: slow.group });

    slow.client.socket.resume();
    const received = framesIn(await slow.client.readToEnd()).map(seqOf);
    expect(received.length).toBeLessThan(sent);
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i));
  });
});

describe('slow reader - drop_oldest policy', () => {
  it('slow reader - the slow session survives, drops are counted, and what it receives is in order', async () => {
    const cast = await setUp({ sessionQueueFullPolicy: 'drop_oldest' });
    const { h, flooder, slow } = cast;
    const { sent, membership } = await flood(cast, () => h.daemon.counters.queueDroppedMessages > 0, 4 * BATCH);
    expect(membership).toEqual([[], []]);
    expect(h.daemon.counters.queueDroppedMessages).toBeGreaterThan(0);
    expect(h.daemon.sessionCount).toBe(3);
    expect(h.daemon.counters.sessionsEnded).toEqual({});
    const warn = cast.lines.filter((line) => line.level === PINO_WARN);
    expect(warn.length).toBeGreaterThan(0);
    expect(warn[0]).toMatchObject({ privateGroup: slow.group });

    flooder.client.send(flooder.group, ServiceType.AGREED, ['demo'], 'end');
    slow.client.socket.resume();
    const seqs: number[] = [];
    for (;;) {
      const message = await slow.client.readMessage();
      if (message.data.toString('latin1') === 'end') break;
      seqs.push(seqOf(message));
    }
    expectIncreasing(seqs);
    expect(seqs.length).toBeLessThan(sent);
    expect(seqs.length + h.daemon.counters.queueDroppedMessages).toBe(sent);

    slow.client.send(slow.group, ServiceType.AGREED, ['demo'], 'still here');
    await flooder.client.readMessageWhere((m) => m.header.sender === slow.group);
  });
});
