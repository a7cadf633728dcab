/**
 * A parsed spreadlogd.conf, the config of spreadlogd (Theo Schlossnagle, OmniTI), as
 * `parseSpreadlogdConf` reads it. Names keep spreadlogd's spelling. Lines and columns count from 1.
 */
import type { ConfigWarning } from './problem.ts';

/** A value as written (quotes removed) and where it was written. */
export interface SpreadlogdValue {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** `RewriteTimestamp = CommonLogFormat` (the bare keyword) or `RewriteTimestamp = "<strftime format>"`. */
export interface SpreadlogdRewrite extends SpreadlogdValue {
  readonly clf: boolean;
}

/** `Log { Group = … File = … | VhostDir = … Match = … RewriteTimestamp = … }`. */
export interface SpreadlogdLog {
  readonly line: number;
  readonly column: number;
  readonly group?: SpreadlogdValue;
  /** A path, or `|command` for a pipe to `/bin/sh -c command`. */
  readonly file?: SpreadlogdValue;
  /** One file per vhost: `<VhostDir>/<first word of the line>`, the word removed from the line. */
  readonly vhostDir?: SpreadlogdValue;
  /** POSIX extended regular expressions; a line is written when any matches. */
  readonly matches: readonly SpreadlogdValue[];
  readonly rewriteTimestamp?: SpreadlogdRewrite;
}

/** `Spread { Port = … Host = … Log { … } … }`: one connection to a Spread daemon. */
export interface SpreadlogdSpread {
  readonly line: number;
  readonly column: number;
  /** Absent = 4803. */
  readonly port?: SpreadlogdValue;
  /** Absent = the local daemon's unix socket /tmp/<port>. */
  readonly host?: SpreadlogdValue;
  readonly logs: readonly SpreadlogdLog[];
}

export interface SpreadlogdConf {
  readonly file: string;
  readonly bufferSize?: SpreadlogdValue;
  readonly spreads: readonly SpreadlogdSpread[];
  readonly warnings: readonly ConfigWarning[];
}
