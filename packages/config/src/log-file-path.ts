import { hostname } from 'node:os';

/** Expands `%h` and `%H` in `log.file` to the host name, as Spread does for EventLogFile. */
export function expandLogFilePath(file: string, host: string = hostname()): string {
  return file.replace(/%[hH]/g, () => host);
}
