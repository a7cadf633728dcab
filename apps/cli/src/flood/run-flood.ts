/** `ringlog flood`: runs floodRun and prints the measurement (text or one JSON object). */
import { ClientError, formatSpError } from '@ringlog/client';
import type { CliIo } from '../cli-io.ts';
import { CliError, CliErrorCode, ExitStatus } from '../errors.ts';
import type { FloodOptions } from './flood-options.ts';
import { floodRun, type FloodResult } from './flood-run.ts';

export interface RunFloodOptions extends Partial<FloodOptions> {
  readonly json?: boolean;
}

const ORDERED_SERVICES: ReadonlySet<string> = new Set(['FIFO', 'CAUSAL', 'AGREED', 'SAFE']);

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function formatFloodResult(result: FloodResult): string {
  const shape =
    result.mode === 'read-only'
      ? `read-only, ${plural(result.receivers, 'receiver')} expecting ${plural(result.senders, 'sender')}`
      : `${plural(result.senders, 'sender')} -> ${result.mode === 'write-only' ? 'no local receivers' : plural(result.receivers, 'receiver')}`;
  return [
    `flood: ${result.service}, ${shape}, ${result.bytesPerMessage} bytes per message, window ${result.window}`,
    `messages:   ${result.messages}`,
    `bytes:      ${result.bytes}`,
    `elapsed:    ${result.elapsedSeconds.toFixed(3)} s`,
    `msgs/s:     ${Math.round(result.messagesPerSecond)}`,
    `MB/s:       ${result.megabytesPerSecond.toFixed(2)}`,
    `deliveries: ${result.deliveries} (${Math.round(result.deliveriesPerSecond)}/s)`,
    `out of order: ${result.outOfOrder}`,
    '',
  ].join('\n');
}

/** Runs a flood for the CLI; resolves with the exit status. */
export async function runFlood(options: RunFloodOptions, io: CliIo): Promise<number> {
  let result: FloodResult;
  try {
    result = await floodRun(options);
  } catch (error) {
    if (error instanceof ClientError) io.stderr.write(`ringlog flood: ${error.message}\n${formatSpError(error.spreadCode)}\n`);
    else if (error instanceof CliError) io.stderr.write(`ringlog flood: ${error.message}\n`);
    else throw error;
    return error instanceof CliError && error.code === CliErrorCode.FLOOD_OPTIONS ? ExitStatus.USAGE : ExitStatus.FAILURE;
  }
  io.stdout.write(options.json === true ? `${JSON.stringify(result)}\n` : formatFloodResult(result));
  if (result.outOfOrder > 0 && ORDERED_SERVICES.has(result.service)) {
    io.stderr.write(`ringlog flood: ${result.outOfOrder} messages arrived out of per-sender order under ${result.service} (${CliErrorCode.FLOOD_OUT_OF_ORDER})\n`);
    return ExitStatus.FAILURE;
  }
  return ExitStatus.OK;
}
