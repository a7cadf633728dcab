/** FrameWriter backpressure, over a real socket pair. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameWriter } from '../src/frame-writer.ts';

const closers: (() => void)[] = [];

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A connected pair; the reader reads only when told to, so the writer's socket can back up. */
async function socketPair(writableHighWaterMark: number): Promise<{ writer: net.Socket; reader: net.Socket }> {
  const server = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const { port } = server.address() as net.AddressInfo;
  const writer = new net.Socket({ writableHighWaterMark } as net.SocketConstructorOpts);
  await new Promise<void>((resolve) => writer.connect(port, '127.0.0.1', resolve));
  const reader = await accepted;
  closers.push(() => {
    writer.destroy();
    reader.destroy();
    server.close();
  });
  return { writer, reader };
}

describe('FrameWriter', () => {
  it('drained - resolves once the socket empties even when its high-water mark is above pendingMaxBytes (no drain event)', async () => {
    const { writer, reader } = await socketPair(64 << 20);
    const frames = new FrameWriter(writer, { slabBytes: 1 << 20, flushBytes: 256 << 10, pendingMaxBytes: 1 << 20 });
    for (let i = 0; i < 32; i++) frames.append(Buffer.alloc(256 << 10, 1));
    frames.flush();
    expect(frames.writable).toBe(false);
    let released = false;
    const waiting = frames.drained().then(() => (released = true));
    reader.on('data', () => undefined);
    reader.resume();
    await waiting;
    expect(released).toBe(true);
    expect(frames.writable).toBe(true);
  });
});
