/**
 * The file of a unix socket input (stream or datagram): before bind, a stale socket left by a
 * crashed shipper is replaced, while a live one or anything that is not a socket is refused;
 * after bind, the file gets its configured mode; at close, it is removed if it is still ours.
 */
import { chmod, lstat, stat, unlink } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';
import { ShipperAppError, ShipperAppErrorCode, ShipperInputError } from '../errors.ts';

type Probe = 'stale' | 'live' | NodeJS.ErrnoException;

/** Linux `sun_path` holds 108 bytes with its NUL; the unix-dgram addon would silently cut a longer path. */
export const SOCKET_PATH_BYTES_MAX = 107;

/** connect() errors that prove a process holds the socket: a datagram socket, or a full accept queue. */
const LIVE_CONNECT_ERRORS = new Set(['EPROTOTYPE', 'EAGAIN']);

export class SocketFile {
  readonly #input: string;
  readonly path: string;
  readonly #mode: number;
  /** Inode of the socket we bound, so close never removes a socket another process bound since. */
  #inode: number | null = null;

  constructor(input: string, path: string, mode: string) {
    if (!path.startsWith('/') || Buffer.byteLength(path) > SOCKET_PATH_BYTES_MAX) {
      throw new ShipperAppError(ShipperAppErrorCode.INPUT_CONFIG, `input ${input}: socket path "${path}" must be absolute and at most ${SOCKET_PATH_BYTES_MAX} bytes`);
    }
    if (!/^0?[0-7]{3,4}$/.test(mode)) {
      throw new ShipperAppError(ShipperAppErrorCode.INPUT_CONFIG, `input ${input}: mode "${mode}" is not an octal permission string such as "0660"`);
    }
    this.#input = input;
    this.path = path;
    this.#mode = Number.parseInt(mode, 8);
  }

  /** Makes the path free for bind: removes a stale socket; throws ShipperInputError for anything else. */
  async prepare(): Promise<void> {
    const existing = await lstat(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw new ShipperInputError(this.#input, `cannot listen on unix:${this.path}: ${error.message}`, { cause: error });
    });
    if (existing === null) {
      await this.#checkDirectory();
      return;
    }
    if (!existing.isSocket()) {
      throw new ShipperInputError(this.#input, `${this.path} exists and is not a socket; remove it or choose another path (it is never deleted automatically)`);
    }
    const probe = await probeSocket(this.path);
    if (probe === 'live') {
      throw new ShipperInputError(this.#input, `another process listens on ${this.path}; stop it or choose another path`);
    }
    if (probe !== 'stale') {
      throw new ShipperInputError(this.#input, `cannot tell whether ${this.path} is in use: ${probe.message}`, { cause: probe });
    }
    await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw new ShipperInputError(this.#input, `cannot remove the stale socket ${this.path}: ${error.message}`, { cause: error });
    });
  }

  /** libuv reports bind() in a missing directory as EACCES: say what is really wrong. */
  async #checkDirectory(): Promise<void> {
    const directory = dirname(this.path);
    await stat(directory).catch((error: NodeJS.ErrnoException) => {
      throw new ShipperInputError(this.#input, `cannot listen on unix:${this.path}: directory ${directory} is missing or unreachable (${error.message})`, { cause: error });
    });
  }

  /** After bind: applies the configured mode and remembers which file is ours. */
  async bound(): Promise<void> {
    try {
      await chmod(this.path, this.#mode);
      this.#inode = (await lstat(this.path)).ino;
    } catch (error) {
      throw new ShipperInputError(this.#input, `cannot set mode ${this.#mode.toString(8)} on ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Removes the socket file if it is still the one we bound. Never throws: the input is closing. */
  async remove(): Promise<void> {
    const inode = this.#inode;
    this.#inode = null;
    if (inode === null) return;
    try {
      const current = await lstat(this.path);
      if (current.isSocket() && current.ino === inode) await unlink(this.path);
    } catch {
      // Gone already (net.Server unlinks its own socket when it closes) or not ours to touch.
    }
  }
}

/** Connects to the socket: refused means nobody has it bound (stale). */
function probeSocket(path: string): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = net.connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve('stale');
      else if (LIVE_CONNECT_ERRORS.has(error.code ?? '')) resolve('live');
      else resolve(error);
    });
  });
}
