/**
 * Which daemon a spreadlogd.conf collector follows. spreadlogd connected to every Spread block's
 * daemon at once; a ringlog collector connects to one, so a file naming several daemons needs
 * `spreadlogdBlock` (one collector per daemon). Blocks naming the same daemon are merged.
 */
import { ConfigDaemonNotFoundError } from './errors.ts';
import type { SpreadlogdConf, SpreadlogdLog, SpreadlogdSpread } from './spreadlogd-conf-types.ts';

export interface SpreadlogdSelection {
  /** `collector.daemon`: `<port>` (the local daemon's unix socket) or `<port>@<host>`. */
  readonly daemon: string;
  readonly daemonAt: { readonly line: number; readonly column: number };
  /** The first Spread block of the daemon. */
  readonly blockAt: { readonly line: number; readonly column: number };
  /** The Log blocks of every Spread block of the daemon, in file order. */
  readonly logs: readonly { readonly log: SpreadlogdLog; readonly path: string }[];
}

/** spreadlogd's default port (config.c config_new_spread_conf). */
const SPREADLOGD_PORT_DEFAULT = '4803';

/** The Spread name spreadlogd connected to (config.c config_get_spreaddaemon). */
export function spreadlogdDaemonName(spread: SpreadlogdSpread): string {
  const port = spread.port === undefined ? SPREADLOGD_PORT_DEFAULT : String(Number(spread.port.text));
  return spread.host === undefined ? port : `${port}@${spread.host.text}`;
}

/** Throws `ConfigDaemonNotFoundError` when several daemons are named and none is chosen, or the choice does not exist. */
export function selectSpreadlogdDaemon(
  conf: SpreadlogdConf,
  block: number | undefined,
  warn: (line: number, message: string) => void,
): SpreadlogdSelection {
  const names = conf.spreads.map(spreadlogdDaemonName);
  const chosen = chosenDaemon(conf, names, block);
  const logs: { log: SpreadlogdLog; path: string }[] = [];
  let first: SpreadlogdSpread | undefined;
  conf.spreads.forEach((spread, index) => {
    const name = names[index];
    if (name !== chosen) {
      warn(spread.line, `the Spread block for daemon ${name} is ignored: this collector follows ${chosen} (run one collector per daemon)`);
      return;
    }
    if (first === undefined) first = spread;
    else warn(spread.line, `a second Spread block for daemon ${chosen} (first on line ${first.line}): spreadlogd ignored it with its Log blocks; ringlog adds its Log blocks`);
    spread.logs.forEach((log, logIndex) => logs.push({ log, path: `Spread[${index}].Log[${logIndex}]` }));
  });
  if (first === undefined) throw new Error('Bug: the chosen daemon has no Spread block');
  const at = { line: first.line, column: first.column };
  const daemonAt = first.port === undefined ? at : { line: first.port.line, column: first.port.column };
  return { daemon: chosen, daemonAt, blockAt: at, logs };
}

function chosenDaemon(conf: SpreadlogdConf, names: readonly string[], block: number | undefined): string {
  const listing = conf.spreads.map((spread, index) => `${index} = daemon ${names[index]} (line ${spread.line})`).join(', ');
  if (block !== undefined) {
    const name = Number.isInteger(block) ? names[block] : undefined;
    if (name === undefined) {
      throw new ConfigDaemonNotFoundError(conf.file, `${conf.file}: there is no Spread block ${block}; the file has ${conf.spreads.length}: ${listing}`);
    }
    return name;
  }
  const distinct = [...new Set(names)];
  if (distinct.length === 1 && distinct[0] !== undefined) return distinct[0];
  throw new ConfigDaemonNotFoundError(
    conf.file,
    `${conf.file}: the Spread blocks name ${distinct.length} daemons (${distinct.join(', ')}); a collector follows one daemon. Run one collector per daemon and choose its block with the spreadlogdBlock option: ${listing}`,
  );
}
