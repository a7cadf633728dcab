/** The live tail's hub and clients with a fake response: filters, the bounded queue, drop notices, cleanup. */
import { compileTailFilter } from '@ringlog/collector';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_FRAME, droppedFrame, lineFrame, type TailSink } from '../src/tail-client.ts';
import { TailHub, type TailHubOptions } from '../src/tail-hub.ts';

/** A response whose socket is full while `writable` is false; `drain()` empties it. */
class FakeSink implements TailSink {
  readonly chunks: string[] = [];
  writable = true;
  ended = false;
  destroyed = false;
  #drainListeners: (() => void)[] = [];

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return this.writable;
  }

  once(_event: 'drain', listener: () => void): this {
    this.#drainListeners.push(listener);
    return this;
  }

  end(): void {
    this.ended = true;
  }

  destroy(): void {
    this.destroyed = true;
  }

  drain(): void {
    this.writable = true;
    for (const listener of this.#drainListeners.splice(0)) listener();
  }

  get text(): string {
    return this.chunks.join('');
  }

  /** The data of every `data:` frame that is not a drop notice, in order. */
  get lines(): string[] {
    return this.text
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: '))
      .map((frame) => frame.slice('data: '.length));
  }
}

const EVERYTHING = compileTailFilter({ vhosts: [], grep: '' });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function body(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((line) => `${line}\n`).join(''));
}

function hub(options: TailHubOptions = {}): { hub: TailHub; active: boolean[] } {
  const active: boolean[] = [];
  return { hub: new TailHub({ heartbeatMs: 0, onActiveChange: (value) => active.push(value), ...options }), active };
}

describe('tail hub - streaming', () => {
  it('publish - every line goes to every client whose filter keeps it, one write per turn', async () => {
    const { hub: tail } = hub();
    const all = new FakeSink();
    const onlyA = new FakeSink();
    tail.subscribe(EVERYTHING, all);
    tail.subscribe(compileTailFilter({ vhosts: ['A.example.com'], grep: 'GET' }), onlyA);
    tail.publish(['www'], body(['a.example.com GET /1', 'b.example.com GET /2', 'a.example.com POST /3']));
    tail.publish(['www'], body(['a.example.com GET /4']));
    expect(all.chunks).toEqual([]);
    await turn();
    expect(all.lines).toEqual(['a.example.com GET /1', 'b.example.com GET /2', 'a.example.com POST /3', 'a.example.com GET /4']);
    expect(all.chunks).toHaveLength(1);
    expect(onlyA.lines).toEqual(['a.example.com GET /1', 'a.example.com GET /4']);
    expect(tail.counters).toMatchObject({ clients: 2, linesSent: 6, linesDropped: 0 });
  });

  it('publish - hostile bytes arrive as one printable data field per line', async () => {
    const { hub: tail } = hub();
    const sink = new FakeSink();
    tail.subscribe(EVERYTHING, sink);
    tail.publish(['www'], Buffer.concat([Buffer.from('a.example.com x\r'), Buffer.from([0x00, 0xc3]), Buffer.from('\ndata: fake\n\n<script>alert(1)</script>\n')]));
    await turn();
    expect(sink.text).toBe(lineFrame('a.example.com x\ufffd\ufffd\ufffd') + lineFrame('data: fake') + lineFrame('<script>alert(1)</script>'));
  });
});

describe('tail hub - slow clients', () => {
  it('bounded queue - a blocked client keeps at most bufferLinesMax frames, then counts drops and tells them in place', async () => {
    const { hub: tail } = hub({ bufferLinesMax: 3 });
    const slow = new FakeSink();
    const fast = new FakeSink();
    const client = tail.subscribe(EVERYTHING, slow);
    tail.subscribe(EVERYTHING, fast);
    slow.writable = false;
    tail.publish(['www'], body(['v l1']));
    await turn();
    // l1 was handed to the socket, which is now full: l2..l4 fill the queue, l5..l9 are dropped.
    tail.publish(['www'], body(['v l2', 'v l3', 'v l4', 'v l5', 'v l6', 'v l7', 'v l8', 'v l9']));
    await turn();
    expect(client?.queuedFrames).toBe(3);
    expect(slow.lines).toEqual(['v l1']);
    expect(tail.counters.linesDropped).toBe(5);
    expect(fast.lines).toHaveLength(9);
    slow.drain();
    tail.publish(['www'], body(['v l10']));
    await turn();
    expect(slow.text).toBe([lineFrame('v l1'), lineFrame('v l2'), lineFrame('v l3'), lineFrame('v l4'), droppedFrame(5), lineFrame('v l10')].join(''));
    expect(tail.counters).toMatchObject({ linesSent: 10 + 5, linesDropped: 5 });
  });

  it('bounded queue - the character bound holds too, and a notice does not wait for another line', async () => {
    const { hub: tail } = hub({ bufferLinesMax: 1000, bufferBytesMax: 64 });
    const slow = new FakeSink();
    tail.subscribe(EVERYTHING, slow);
    slow.writable = false;
    tail.publish(['www'], body(['v first']));
    await turn();
    tail.publish(['www'], body(['v 0123456789012345678901234567890123456789', 'v 0123456789012345678901234567890123456789', 'v x'.repeat(30)]));
    await turn();
    expect(tail.counters.linesDropped).toBe(2);
    slow.drain();
    await turn();
    expect(slow.text).toBe(lineFrame('v first') + lineFrame('v 0123456789012345678901234567890123456789') + droppedFrame(2));
  });

  it('big batch - a client that keeps up loses nothing from a message of more lines than its queue holds', async () => {
    const { hub: tail } = hub({ bufferLinesMax: 10 });
    const sink = new FakeSink();
    tail.subscribe(EVERYTHING, sink);
    const lines = Array.from({ length: 95 }, (_, index) => `v.example.com ${index}`);
    tail.publish(['www'], body(lines));
    await turn();
    expect(sink.lines).toEqual(lines);
    expect(tail.counters).toMatchObject({ linesSent: 95, linesDropped: 0 });
  });

  it('memory - a client that never reads holds a bounded queue however much flows', async () => {
    const { hub: tail } = hub({ bufferLinesMax: 100 });
    const stuck = new FakeSink();
    stuck.writable = false;
    const client = tail.subscribe(EVERYTHING, stuck);
    for (let message = 0; message < 200; message++) {
      tail.publish(['www'], body(Array.from({ length: 50 }, (_, index) => `v.example.com line ${message * 50 + index}`)));
      if (message % 20 === 0) await turn();
    }
    await turn();
    expect(stuck.chunks).toHaveLength(1);
    expect(client?.queuedFrames).toBeLessThanOrEqual(100);
    expect(tail.counters.linesSent + tail.counters.linesDropped + (client?.queuedFrames ?? 0)).toBe(200 * 50);
  });
});

describe('tail hub - lifecycle', () => {
  it('active - the tap is attached with the first client and removed with the last; unsubscribe is idempotent', () => {
    const { hub: tail, active } = hub();
    const first = tail.subscribe(EVERYTHING, new FakeSink());
    const second = tail.subscribe(EVERYTHING, new FakeSink());
    expect(active).toEqual([true]);
    tail.unsubscribe(first!);
    tail.unsubscribe(first!);
    expect(active).toEqual([true]);
    tail.unsubscribe(second!);
    expect(active).toEqual([true, false]);
    expect(tail.counters.clients).toBe(0);
  });

  it('cleanup - a closed client gets nothing more, even what was queued', async () => {
    const { hub: tail } = hub();
    const sink = new FakeSink();
    const client = tail.subscribe(EVERYTHING, sink);
    tail.publish(['www'], body(['v queued']));
    tail.unsubscribe(client!);
    tail.publish(['www'], body(['v later']));
    await turn();
    expect(sink.chunks).toEqual([]);
    expect(client?.closed).toBe(true);
  });

  it('cap - past clientsMax a subscription is refused and counted; a freed slot is usable again', () => {
    const { hub: tail } = hub({ clientsMax: 2 });
    const first = tail.subscribe(EVERYTHING, new FakeSink());
    expect(tail.subscribe(EVERYTHING, new FakeSink())).not.toBeNull();
    expect(tail.refusing).toBe(true);
    expect(tail.subscribe(EVERYTHING, new FakeSink())).toBeNull();
    expect(tail.counters.clientsRejected).toBe(1);
    tail.unsubscribe(first!);
    expect(tail.subscribe(EVERYTHING, new FakeSink())).not.toBeNull();
  });

  it('close - streams are ended (a client not reading is cut off), the tap removed, new subscriptions refused', async () => {
    const { hub: tail, active } = hub();
    const sinks = [new FakeSink(), new FakeSink()];
    for (const sink of sinks) tail.subscribe(EVERYTHING, sink);
    (sinks[1] as FakeSink).writable = false;
    tail.publish(['www'], body(['v x']));
    await turn();
    tail.close();
    expect(sinks.map((sink) => [sink.ended, sink.destroyed])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(active).toEqual([true, false]);
    expect(tail.subscribe(EVERYTHING, new FakeSink())).toBeNull();
  });

  it('heartbeat - idle clients get a comment frame; blocked ones are left alone', async () => {
    const { hub: tail } = hub({ heartbeatMs: 20 });
    const idle = new FakeSink();
    const blocked = new FakeSink();
    tail.subscribe(EVERYTHING, idle);
    tail.subscribe(EVERYTHING, blocked);
    blocked.writable = false;
    tail.publish(['www'], body(['v x']));
    await turn();
    const blockedChunks = blocked.chunks.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(idle.chunks.filter((chunk) => chunk === HEARTBEAT_FRAME).length).toBeGreaterThanOrEqual(1);
    expect(blocked.chunks).toHaveLength(blockedChunks);
    tail.close();
  });
});
