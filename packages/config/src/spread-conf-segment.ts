/**
 * `Spread_Segment <addr>[:port] [<addr> ...] { <daemon-spec> [VirtualID = n] [{ [D|C|M ...] ip ... }] [;] ... }`
 * (config_parse.y SegmentStruct). A daemon's address may carry its own port (`d1 127.0.0.1:4901`),
 * so several daemons can share a host. The reader resynchronizes at `}` or at the next top-level
 * keyword, so one bad daemon line does not hide the problems after it.
 */
import type { InterfaceType } from './daemon-config-types.ts';
import { SEGMENT_PORT_DEFAULT } from './daemon-config-defaults.ts';
import { withoutZone } from './ip-address.ts';
import { DAEMON_INTERFACES_MAX, DAEMON_NAME_LENGTH_MAX, SEGMENT_ADDRESSES_MAX, SEGMENT_PORT_MAX } from './limits.ts';
import type { Token } from './spread-conf-lexer.ts';
import { describeToken, isStringToken, TokenReader } from './spread-conf-reader.ts';
import type { SpreadDaemon, SpreadInterface, SpreadSegment } from './spread-conf-types.ts';
import { isKeyName, SEGMENT_KEYWORD, VIRTUAL_ID_KEYWORD } from './spread-conf-words.ts';

/** Parses one segment; the `Spread_Segment` keyword has been consumed. */
export function parseSegment(reader: TokenReader, keyword: Token, index: number): SpreadSegment {
  const path = `Spread_Segment[${index}]`;
  const { port, addresses } = parseSegmentAddresses(reader, path);
  const daemons: SpreadDaemon[] = [];
  if (reader.accept('open') === undefined) {
    reader.error(reader.peek(), path, `expected "{" to open the segment's daemon list, got ${describeToken(reader.peek())}`);
    return { line: keyword.line, port, addresses, daemons };
  }
  for (;;) {
    const token = reader.peek();
    if (reader.accept('close') !== undefined) break;
    if (token.kind === 'eof' || isTopLevelKeyword(token)) {
      reader.error(token, path, `the segment opened on line ${keyword.line} is not closed with "}" before ${describeToken(token)}`);
      break;
    }
    const daemon = parseDaemon(reader, `${path}.daemons[${daemons.length}]`);
    if (daemon !== undefined) daemons.push(daemon);
  }
  return { line: keyword.line, port, addresses, daemons };
}

function isTopLevelKeyword(token: Token): boolean {
  return token.kind === 'word' && (token.text === SEGMENT_KEYWORD || isKeyName(token.text));
}

function parseSegmentAddresses(reader: TokenReader, path: string): { port: number; addresses: string[] } {
  const first = reader.peek();
  let port = SEGMENT_PORT_DEFAULT;
  const addresses: string[] = [];
  if (first.kind === 'ip' || first.kind === 'ip-port') {
    reader.next();
    addresses.push(first.address ?? first.text);
    if (first.port !== undefined && first.port !== 0) port = first.port;
  } else {
    reader.error(first, path, `Spread_Segment needs a segment address (e.g. "Spread_Segment 10.0.0.255:4803 {"), got ${describeToken(first)}`);
    if (first.kind !== 'open' && first.kind !== 'eof') reader.next();
  }
  for (let extra = reader.peek(); extra.kind === 'ip' || extra.kind === 'ip-port'; extra = reader.peek()) {
    reader.next();
    if (extra.kind === 'ip-port') reader.error(extra, path, 'only the first segment address may carry a port');
    if (addresses.length === SEGMENT_ADDRESSES_MAX) reader.error(extra, path, `too many segment addresses (at most ${SEGMENT_ADDRESSES_MAX})`);
    addresses.push(extra.address ?? extra.text);
  }
  return { port, addresses };
}

/** `name ip[:port]`, `ip[:port]` or `name`, then the optional VirtualID, interface stanza and `;`. */
function parseDaemon(reader: TokenReader, path: string): SpreadDaemon | undefined {
  const start = reader.next();
  let name: string;
  let address: string | undefined;
  let port: number | undefined;
  if (start.kind === 'ip' || start.kind === 'ip-port') {
    address = start.address ?? start.text;
    name = withoutZone(address);
    port = daemonPort(reader, start, path);
  } else if (isStringToken(start)) {
    name = start.text;
    const addressToken = reader.peek();
    if (addressToken.kind === 'ip' || addressToken.kind === 'ip-port') {
      reader.next();
      address = addressToken.address ?? addressToken.text;
      port = daemonPort(reader, addressToken, path);
    }
  } else {
    const reserved = start.kind === 'word' ? ' (a reserved word cannot name a daemon)' : '';
    reader.error(start, path, `expected a daemon name or IP address, got ${describeToken(start)}${reserved}`);
    if (start.kind === 'open') skipBlock(reader, start, path);
    return undefined;
  }
  name = checkDaemonName(reader, start, path, name);
  if (address === undefined) {
    reader.warn(start.line, `daemon "${name}" has no address: Spread resolves the name by DNS, which is discouraged; give "name ip"`);
  }
  const virtualId = parseVirtualId(reader, path);
  const interfaces = reader.peek().kind === 'open' ? parseInterfaces(reader, path) : undefined;
  reader.accept('semicolon');
  return {
    line: start.line,
    name,
    ...(address === undefined ? {} : { address }),
    ...(port === undefined ? {} : { port }),
    needsDns: address === undefined,
    ...(virtualId === undefined ? {} : { virtualId }),
    ...(interfaces === undefined ? {} : { interfaces }),
  };
}

/** The port of an `ip:port` daemon address; the lexer has already refused one above 65535. */
function daemonPort(reader: TokenReader, token: Token, path: string): number | undefined {
  if (token.kind !== 'ip-port' || token.port === undefined || token.port > 65535) return undefined;
  if (token.port < 1 || token.port > SEGMENT_PORT_MAX) {
    reader.error(token, path, `a daemon's port must be 1..${SEGMENT_PORT_MAX} (it also uses port + 1, for the token), got ${token.port}`);
    return undefined;
  }
  return token.port;
}

function checkDaemonName(reader: TokenReader, token: Token, path: string, name: string): string {
  if (name.length === 0) reader.error(token, path, 'zero-length daemon name');
  if (name.endsWith(';')) {
    reader.warn(token.line, `daemon name "${name}" ends with ";": to separate two daemons put white space around the ";"`);
  }
  if (name.length <= DAEMON_NAME_LENGTH_MAX) return name;
  const truncated = name.slice(0, DAEMON_NAME_LENGTH_MAX);
  reader.warn(token.line, `daemon name "${name.slice(0, 60)}" is longer than ${DAEMON_NAME_LENGTH_MAX} characters; truncated to "${truncated}" as Spread does`);
  return truncated;
}

function parseVirtualId(reader: TokenReader, path: string): number | undefined {
  const keyword = reader.acceptWord(VIRTUAL_ID_KEYWORD);
  if (keyword === undefined) return undefined;
  if (reader.accept('equals') === undefined) {
    reader.error(reader.peek(), path, `expected "=" after VirtualID, got ${describeToken(reader.peek())}`);
  }
  const value = reader.peek();
  if (value.kind !== 'number') {
    reader.error(value, path, `VirtualID must be a number of at most 9 digits, got ${describeToken(value)}`);
    if (value.kind === 'word') reader.next();
    return undefined;
  }
  reader.next();
  const id = Number(value.text);
  if (id <= 0) reader.error(value, path, 'VirtualID must be an integer greater than zero');
  return id;
}

/** `{ [D|C|M ...] ip ... }`; the opening brace is next. */
function parseInterfaces(reader: TokenReader, path: string): SpreadInterface[] {
  const open = reader.next();
  const interfaces: SpreadInterface[] = [];
  for (;;) {
    if (reader.accept('close') !== undefined) break;
    const token = reader.peek();
    if (token.kind === 'eof' || isTopLevelKeyword(token)) {
      reader.error(token, path, `the interface list opened on line ${open.line} is not closed with "}"`);
      break;
    }
    const entry = parseInterface(reader, path);
    if (entry === undefined) continue;
    if (interfaces.length === DAEMON_INTERFACES_MAX) {
      reader.error(token, path, `too many interfaces (at most ${DAEMON_INTERFACES_MAX} per daemon)`);
    }
    interfaces.push(entry);
  }
  if (interfaces.length === 0) reader.error(open, path, 'interface list declared but no interfaces specified');
  return interfaces;
}

function parseInterface(reader: TokenReader, path: string): SpreadInterface | undefined {
  const first = reader.peek();
  const types: InterfaceType[] = [];
  for (let token = reader.peek(); token.kind === 'word' && (token.text === 'D' || token.text === 'C' || token.text === 'M'); token = reader.peek()) {
    reader.next();
    if (!types.includes(token.text as InterfaceType)) types.push(token.text as InterfaceType);
  }
  const addressToken = reader.peek();
  if (addressToken.kind === 'ip' || addressToken.kind === 'ip-port') {
    reader.next();
    if (addressToken.kind === 'ip-port') reader.error(addressToken, path, 'interface addresses cannot carry a port');
    return { line: first.line, types, address: addressToken.address ?? addressToken.text };
  }
  const hint = addressToken.kind === 'word' && /^[DCM]+$/.test(addressToken.text) ? ' (type letters are separate words: "D C", not "DC")' : '';
  reader.error(addressToken, path, `expected an interface IP address, got ${describeToken(addressToken)}${hint}`);
  if (addressToken.kind !== 'close' && addressToken.kind !== 'eof') reader.next();
  return undefined;
}

/** Skips a `{ ... }` block whose `{` (`open`) was just consumed; an unclosed block is an error. */
export function skipBlock(reader: TokenReader, open: Token, path: string): void {
  let depth = 1;
  while (depth > 0) {
    const token = reader.next();
    if (token.kind === 'eof') {
      reader.error(token, path, `the block opened with "{" on line ${open.line} is not closed with "}"`);
      return;
    }
    if (token.kind === 'open') depth += 1;
    if (token.kind === 'close') depth -= 1;
  }
}
