/**
 * The baseline flood: the same frame sizes and the same window as `ringlog flood`, through the
 * bare relay. The sender keeps at most `window` frames in flight, counted by what arrived back.
 */
import net from 'node:net';

export interface RelayFloodResult {
  readonly msgsPerSec: number;
  readonly mbPerSec: number;
}

function connect(port: number, role: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => {
      socket.write(role);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export async function relayFlood(port: number, mode: 'self' | 'one-to-one', messages: number, frameBytes: number, window: number): Promise<RelayFloodResult> {
  const receiver = mode === 'self' ? null : await connect(port, 'r');
  await new Promise((r) => setTimeout(r, 50));
  const sender = await connect(port, mode === 'self' ? 'e' : 's');
  const reader = receiver ?? sender;
  const frame = Buffer.alloc(frameBytes, 0x61);
  const total = messages * frameBytes;
  let sent = 0;
  let received = 0;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const frames: Buffer[] = [];
      while (sent < messages && sent - Math.floor(received / frameBytes) < window && frames.length < 256) {
        frames.push(frame);
        sent++;
      }
      if (frames.length > 0 && !sender.write(Buffer.concat(frames))) sender.once('drain', pump);
    };
    reader.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= total) resolve();
      else pump();
    });
    pump();
  });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  sender.destroy();
  receiver?.destroy();
  return { msgsPerSec: messages / secs, mbPerSec: total / secs / 1e6 };
}
