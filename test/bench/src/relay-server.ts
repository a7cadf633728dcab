/**
 * Baseline process for the flood benchmark: moves bytes with no protocol work at all.
 * Each connection's first byte picks its role: 'e' echoes back to itself (the self-flood
 * baseline), 'r' registers the receiver, 's' is a sender piped to the receiver (the 1→1 one).
 */
import net from 'node:net';

let receiver: net.Socket | null = null;
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => undefined);
  socket.once('data', (first: Buffer) => {
    const role = String.fromCharCode(first[0] as number);
    const rest = first.subarray(1);
    if (role === 'r') {
      receiver = socket;
      return;
    }
    const target = role === 'e' ? socket : receiver;
    if (target === null) return void socket.destroy();
    if (rest.length > 0) target.write(rest);
    socket.pipe(target, { end: false });
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
