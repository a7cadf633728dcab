/** `pnpm test:chaos` options: a table for parseArgs, the help text, and their checked values. */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_CHAOS_OPTIONS } from './chaos-options.ts';
import { SERVICE_NAMES, type ServiceName } from './chaos-service.ts';

export const HELP = `Usage: pnpm test:chaos [--seed N] [--duration-s S] [--rate R] [--victims LIST] [--keep] [--no-chaos] [--allow-different-bytes]

Runs three ringlogd daemons in one ring, two shippers (HTTP input, on d1 and d2) and two
collectors (on d2 and d3), every one a real process, while writers POST paced batches of lines
to the shippers and a seeded schedule kill -9's and restarts one process every 1-3 s. Then
checks that every line a shipper accepted (HTTP 200) is in each collector's files exactly once,
that nothing else is, and that both collectors' files are byte-identical.

  --seed N        seed of the schedule and of the lines (default: random, printed)
  --duration-s S  seconds of load and chaos (default ${DEFAULT_CHAOS_OPTIONS.durationS})
  --rate R        lines per second over all writers (default ${DEFAULT_CHAOS_OPTIONS.rateLinesPerSec})
  --victims LIST  the processes the schedule kills, comma-separated, of ${SERVICE_NAMES.join(', ')}
                  (default all)
  --allow-different-bytes  pass when the collectors hold the same lines in different interleavings
  --keep          keep the run's directory even when it passes (it is kept on failure)
  --no-chaos      the load alone, no kills: checks the harness (nothing may be lost)
  --help          this text

Exit status: 0 when both collectors hold every accepted line exactly once, nothing unknown, and
the same bytes; 1 otherwise; 2 on bad arguments or when the system could not start.`;

export interface CliOptions {
  readonly help: boolean;
  readonly seed: number;
  readonly durationS: number;
  readonly rateLinesPerSec: number;
  readonly keep: boolean;
  readonly chaos: boolean;
  readonly victims: readonly ServiceName[];
  readonly allowDifferentBytes: boolean;
}

/** Seeds are 32-bit: mulberry32 takes its seed mod 2^32. */
const SEED_LIMIT = 2 ** 32;

export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string' },
      'duration-s': { type: 'string' },
      rate: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'no-chaos': { type: 'boolean', default: false },
      victims: { type: 'string' },
      'allow-different-bytes': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    help: values.help ?? false,
    seed: values.seed === undefined ? randomInt(SEED_LIMIT - 1) : integerOption('seed', values.seed, 0, SEED_LIMIT - 1),
    durationS: integerOption('duration-s', values['duration-s'] ?? String(DEFAULT_CHAOS_OPTIONS.durationS), 1, 86_400),
    rateLinesPerSec: integerOption('rate', values.rate ?? String(DEFAULT_CHAOS_OPTIONS.rateLinesPerSec), 1, 1_000_000),
    keep: values.keep ?? false,
    chaos: !(values['no-chaos'] ?? false),
    victims: values.victims === undefined ? SERVICE_NAMES : victimsOption(values.victims),
    allowDifferentBytes: values['allow-different-bytes'] ?? false,
  };
}

function victimsOption(text: string): ServiceName[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--victims takes names among ${SERVICE_NAMES.join(', ')}, got "${text}"`);
  return [...new Set(names)] as ServiceName[];
}

function integerOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) throw new Error(`--${name} needs a whole number in ${min}..${max}, got "${text}"`);
  return value;
}
