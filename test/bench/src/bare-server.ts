/** Baseline process for the sessions benchmark: a bare Node TCP/unix server holding idle connections. */
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import { raiseFileLimit } from '@ringlog/daemon';

raiseFileLimit(1_048_576);
const [portText, unixPath] = process.argv.slice(2);
const held = new Set<net.Socket>();
const onConnection = (socket: net.Socket): void => {
  held.add(socket);
  socket.on('error', () => undefined);
  socket.on('close', () => held.delete(socket));
};
try {
  unlinkSync(unixPath as string);
} catch {
  // no stale socket
}
net.createServer(onConnection).listen({ port: Number(portText), host: '127.0.0.1', backlog: 4096 });
net.createServer(onConnection).listen(unixPath as string);
process.on('SIGTERM', () => process.exit(0));
