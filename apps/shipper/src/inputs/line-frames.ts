/**
 * From a frame to the lines an input pushes. A frame is what the transport delimits: a datagram,
 * an octet-counted frame, or one newline-framed line. Plain inputs keep the frame's bytes; syslog
 * inputs parse it and keep the MSG part (the access-log line nginx sent), or the whole frame when
 * it is not syslog. Either way the result is split on LF and each line bounded to `lineBytesMax`,
 * so a line pushed never holds LF and never exceeds the engine's maximum.
 */
import { splitLines, type InputStats } from '@ringlog/shipper';
import { parseSyslogMessage } from '@ringlog/syslog';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Room for a syslog header (PRI, timestamp, host, tag, structured data) on top of the line it
 * carries: stream frames up to `lineBytesMax` + this are accepted whole, so a maximal line sent
 * through syslog is not refused for its header.
 */
export const SYSLOG_HEADER_BYTES_MAX = 8192;

/** Largest frame a stream input buffers (octet counting) or parses (syslog). */
export function streamFrameBytesMax(lineBytesMax: number): number {
  return lineBytesMax + SYSLOG_HEADER_BYTES_MAX;
}

/** How one input turns its frames into lines; one instance per input, shared by its connections. */
export interface FrameLines {
  readonly stats: InputStats;
  /** Lines are the frames' bytes as they are (no syslog parsing): blocks of them may skip the per-line path. */
  readonly plain: boolean;
  readonly lineBytesMax: number;
  /** Appends the lines of one frame (datagram, octet-counted frame) to `out`, counting what is wrong with it. */
  add(frame: Buffer, out: Buffer[]): void;
  /**
   * Appends what one line from NewlineDecoder carries: it is already bounded, free of LF and of
   * its terminator, so its bytes are kept exactly (a cut piece may end with a CR that is data).
   */
  addLine(line: Buffer, out: Buffer[]): void;
}

export interface FrameLinesOptions {
  readonly stats: InputStats;
  readonly lineBytesMax: number;
  /** Parse syslog and keep the MSG part; otherwise the frame's bytes are the line(s). */
  readonly syslog: boolean;
  /** Largest frame the transport can deliver; syslog frames up to it are parsed (never `too_long`). */
  readonly frameBytesMax: number;
}

export function createFrameLines(options: FrameLinesOptions): FrameLines {
  const { stats, lineBytesMax, frameBytesMax } = options;
  if (!options.syslog) {
    return { stats, lineBytesMax, plain: true, add: (frame, out) => appendLines(frame, lineBytesMax, stats, out), addLine: (line, out) => out.push(line) };
  }
  const parseOptions = { frameBytesMax };
  /** The MSG part of a syslog frame, or null (counted) when the frame is not syslog. */
  const messageOf = (frame: Buffer): Buffer | null => {
    const parsed = parseSyslogMessage(frame, parseOptions);
    if (parsed.ok) return parsed.message;
    // An empty frame (a lone terminator) carries nothing: not worth a bad_syslog count.
    if (parsed.reason === 'empty') return EMPTY;
    stats.error('bad_syslog');
    return null;
  };
  return {
    stats,
    lineBytesMax,
    plain: false,
    add(frame, out) {
      appendLines(messageOf(frame) ?? frame, lineBytesMax, stats, out);
    },
    addLine(line, out) {
      const message = messageOf(line) ?? line;
      if (message.length > 0) out.push(message);
    },
  };
}

const EMPTY = Buffer.alloc(0);

/** Appends the LF-separated lines of `text` (CR before LF or at the end dropped, empty lines skipped), each bounded. */
export function appendLines(text: Buffer, lineBytesMax: number, stats: InputStats, out: Buffer[]): void {
  // Most frames hold one line: skip splitLines' array for them, with the same result.
  if (text.indexOf(NEWLINE) < 0) {
    const line = text[text.length - 1] === CARRIAGE_RETURN ? text.subarray(0, text.length - 1) : text;
    if (line.length > 0) appendBounded(line, lineBytesMax, stats, out);
    return;
  }
  for (const line of splitLines(text)) appendBounded(line, lineBytesMax, stats, out);
}

/** Appends `line` (no LF), split into pieces of at most `lineBytesMax` bytes; an overlong line counts once. */
export function appendBounded(line: Buffer, lineBytesMax: number, stats: InputStats, out: Buffer[]): void {
  if (line.length <= lineBytesMax) {
    out.push(line);
    return;
  }
  stats.error('overlong');
  for (let start = 0; start < line.length; start += lineBytesMax) out.push(line.subarray(start, start + lineBytesMax));
}
