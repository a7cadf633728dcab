/**
 * Checks of a parsed spreadlogd.conf that need no conversion: Port, Host and BufferSize values.
 * Everything about the logs themselves (group names, paths, patterns) is checked by the
 * collector schema after conversion, at the line each value came from.
 */
import { ipFamily, isHostName } from './ip-address.ts';
import type { TokenReader } from './spread-conf-reader.ts';
import type { SpreadlogdConf, SpreadlogdValue } from './spreadlogd-conf-types.ts';

export function checkSpreadlogdConf(conf: SpreadlogdConf, reader: TokenReader): void {
  if (conf.bufferSize !== undefined && !/^[1-9][0-9]{0,8}$/.test(conf.bufferSize.text)) {
    problem(reader, conf.bufferSize, 'BufferSize', `BufferSize must be a positive number of bytes, got ${shown(conf.bufferSize)}`);
  }
  conf.spreads.forEach((spread, index) => {
    const { port, host } = spread;
    if (port !== undefined && !(/^[0-9]{1,5}$/.test(port.text) && Number(port.text) >= 1 && Number(port.text) <= 65_535)) {
      problem(reader, port, `Spread[${index}].Port`, `Port must be a port number 1..65535, got ${shown(port)}`);
    }
    if (host !== undefined && ipFamily(host.text) === undefined && !isHostName(host.text)) {
      problem(reader, host, `Spread[${index}].Host`, `Host must be a host name or an IP address, got ${shown(host)}`);
    }
  });
}

function problem(reader: TokenReader, value: SpreadlogdValue, path: string, message: string): void {
  reader.problems.push({ file: reader.file, line: value.line, column: value.column, path, message });
}

function shown(value: SpreadlogdValue): string {
  return JSON.stringify(value.text.length > 60 ? `${value.text.slice(0, 57)}...` : value.text);
}
