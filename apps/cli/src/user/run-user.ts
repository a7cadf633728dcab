/**
 * `ringlog user`: spuser over @ringlog/client. Reads commands from stdin (terminal or
 * pipe), prints what spuser prints. Returns the exit status: 0 after q or end of input,
 * 1 when the connect is refused or the session is lost (spuser itself exits 0 there).
 */
import { ClientError, connect, formatSpError, type SpreadSession } from '@ringlog/client';
import { PROTOCOL_VERSION } from '@ringlog/wire';
import type { CliIo } from '../cli-io.ts';
import { ExitStatus } from '../errors.ts';
import { EventPrinter } from './event-printer.ts';
import { LineReader } from './line-reader.ts';
import { BYE, INVALID_GROUP, MENU, PROMPT, SEPARATOR, UNKNOWN_COMMAND, tokens } from './user-output.ts';

export interface UserOptions {
  /** Private name; ignored with `random`. */
  readonly user: string;
  /** Spread name as given on the command line ("4803", "4803@host", …). */
  readonly spread: string;
  /** Empty private name: the daemon invents one. */
  readonly random: boolean;
  readonly connectTimeoutMs?: number;
}

/** spuser's MAX_MESSLEN: the largest burst message. */
const BURST_MESSAGE_MAX_BYTES = 102_400;
/** fgets(mess, 200, stdin): at most 199 bytes of message, newline included. */
const MESSAGE_MAX_BYTES = 199;

type CommandOutcome = 'continue' | 'quit' | 'fail';

class UserShell {
  readonly #io: CliIo;
  readonly #session: SpreadSession;
  readonly #lines: LineReader;
  readonly #printer: EventPrinter;
  #sentCount = 0;
  #previousBurstBytes = 0;

  constructor(io: CliIo, session: SpreadSession, lines: LineReader) {
    this.#io = io;
    this.#session = session;
    this.#lines = lines;
    this.#printer = new EventPrinter(session[Symbol.asyncIterator](), io.stdout);
  }

  async run(): Promise<number> {
    const lost = this.#printer.ended().then(() => 'lost' as const);
    for (;;) {
      const line = await Promise.race([this.#lines.next(), lost]);
      if (line === 'lost') return this.#connectionLost();
      const outcome = line === null ? 'quit' : await this.#command(line);
      if (outcome !== 'continue') return this.#bye(outcome === 'fail' ? ExitStatus.FAILURE : ExitStatus.OK);
      this.#write(PROMPT);
    }
  }

  async #command(line: string): Promise<CommandOutcome> {
    const argument = line.slice(2);
    switch (line[0]) {
      case 'j':
      case 'l':
        this.#joinOrLeave(line[0], argument);
        return 'continue';
      case 's':
        return this.#send(argument);
      case 'b':
        return this.#burst(argument);
      case 'r':
        await this.#printer.readOne();
        return 'continue';
      case 'p':
        this.#write(`Polling sais: ${this.#session.pendingBytes + this.#printer.heldBytes}\n`);
        return 'continue';
      case 'e':
      case 'd':
        this.#printer.setAsyncRead(line[0] === 'e');
        return 'continue';
      case 'q':
        return 'quit';
      default:
        this.#write(UNKNOWN_COMMAND + MENU);
        return 'continue';
    }
  }

  #joinOrLeave(command: 'j' | 'l', argument: string): void {
    const [group] = tokens(argument, 1);
    if (group === undefined) {
      this.#write(INVALID_GROUP);
      return;
    }
    try {
      if (command === 'j') this.#session.join(group);
      else this.#session.leave(group);
    } catch (error) {
      this.#write(`${formatSpError(spreadCodeOf(error))}\n`);
    }
  }

  async #send(argument: string): Promise<CommandOutcome> {
    const groups = tokens(argument, 10);
    if (groups.length === 0) {
      this.#write(INVALID_GROUP);
      return 'continue';
    }
    this.#write('enter message: ');
    const message = await this.#lines.next();
    if (message === null) return 'quit';
    const data = Buffer.from(`${message}\n`, 'utf8').subarray(0, MESSAGE_MAX_BYTES);
    return this.#multicast(() => this.#session.multicastNow({ service: 'SAFE', groups, messType: 1, data }));
  }

  async #burst(argument: string): Promise<CommandOutcome> {
    const group = tokens(argument, 1)[0] ?? 'dummy_group_name';
    this.#write('enter size of each message: ');
    const answer = await this.#lines.next();
    if (answer === null) return 'quit';
    const parsed = /^\s*\+?([0-9]+)/.exec(answer);
    const bytes = Math.min(parsed === null ? this.#previousBurstBytes : Number(parsed[1]), BURST_MESSAGE_MAX_BYTES);
    this.#previousBurstBytes = bytes;
    this.#write(`sending 10 messages of ${bytes} bytes\n`);
    for (let i = 0; i < 10; i++) {
      this.#sentCount++;
      const data = Buffer.alloc(bytes);
      data.write(`mess num ${this.#sentCount} `, 'latin1');
      const outcome = this.#multicast(() => this.#session.multicastNow({ service: 'FIFO', groups: [group], messType: 2, data }));
      if (outcome !== 'continue') return outcome;
      this.#write(`sent message ${i + 1} (total ${this.#sentCount})\n`);
    }
    return 'continue';
  }

  /** spuser: on a multicast error, SP_error then Bye. */
  #multicast(send: () => boolean): CommandOutcome {
    try {
      send();
      return 'continue';
    } catch (error) {
      this.#write(`${formatSpError(spreadCodeOf(error))}\n`);
      return 'fail';
    }
  }

  async #connectionLost(): Promise<number> {
    const reason = await this.#session.closed();
    this.#write(`${SEPARATOR}${formatSpError(spreadCodeOf(reason))}\n${SEPARATOR}${BYE}`);
    return ExitStatus.FAILURE;
  }

  async #bye(status: number): Promise<number> {
    this.#printer.silence();
    this.#write(BYE);
    await this.#session.disconnect();
    return status;
  }

  #write(text: string): void {
    this.#io.stdout.write(text);
  }
}

function spreadCodeOf(error: unknown): number {
  return error instanceof ClientError ? error.spreadCode : -8;
}

/** Runs spuser against `options.spread`; resolves with the exit status. */
export async function runUser(options: UserOptions, io: CliIo): Promise<number> {
  io.stdout.write(`Spread library version is ${PROTOCOL_VERSION.major}.${PROTOCOL_VERSION.minor}.${PROTOCOL_VERSION.patch}\n`);
  let session: SpreadSession;
  try {
    session = await connect({ endpoint: options.spread, name: options.random ? '' : options.user, membership: true, connectTimeoutMs: options.connectTimeoutMs ?? 5000 });
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    io.stdout.write(`${formatSpError(error.spreadCode)}\n${BYE}`);
    return ExitStatus.FAILURE;
  }
  io.stdout.write(`User: connected to ${options.spread} with private group ${session.privateGroup}\n${MENU}${PROMPT}`);
  const lines = new LineReader(io.stdin);
  try {
    return await new UserShell(io, session, lines).run();
  } finally {
    lines.close();
    session.destroy();
  }
}
