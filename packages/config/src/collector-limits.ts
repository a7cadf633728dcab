/**
 * Bounds of the collector config. Spread's name rules are copied from packages/wire/src/names.ts
 * (the config package does not depend on wire); keep the two in step.
 */

/** Spread's MAX_PRIVATE_NAME: a private name is 1..10 characters in 0x24..0x7e (wire `isLegalPrivateName`). */
export const PRIVATE_NAME_LENGTH_MAX = 10;
export const PRIVATE_NAME_PATTERN = '^[\\x24-\\x7e]{1,10}$';

/** A group name fills a 32-byte slot with its NUL: 1..31 characters in 0x24..0x7e (wire `isLegalGroupName`). */
export const GROUP_NAME_LENGTH_MAX = 31;
export const GROUP_NAME_PATTERN = '^[\\x24-\\x7e]{1,31}$';

/** Log names appear in metrics labels and in `{log}`, so they stay plain. */
export const LOG_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';

export const LOGS_MAX = 1000;
export const LOG_GROUPS_MAX = 64;
export const LOG_MATCHES_MAX = 64;
/** Longest `match` entry and `pipe` command, in characters. */
export const PATTERN_LENGTH_MAX = 4096;
/** spreadlogd formats rewritten timestamps into a 128-byte buffer (MAXTIMESTRLEN). */
export const REWRITE_TIMESTAMP_LENGTH_MAX = 128;
/** A DNS name is at most 253 characters. */
export const VHOST_LENGTH_MAX = 253;
export const SPLIT_VHOSTS_MAX = 10_000_000;
export const OPEN_FILES_MAX = 1_000_000;
/** A week: longer idle timeouts are a mistake in units. */
export const IDLE_CLOSE_MS_MAX = 604_800_000;
export const FLUSH_INTERVAL_MS_MAX = 60_000;
/** Rotated files kept per output file. */
export const ROTATE_FILES_MAX = 1_000_000;
/** `size` and `max_size` strings, e.g. "100M". */
export const ROTATE_SIZE_PATTERN = '^[1-9][0-9]{0,8}[BKMG]$';
/** `interval` strings, e.g. "1d"; s and m must divide 60 and h must divide 24 (rotating-file-stream). */
export const ROTATE_INTERVAL_PATTERN = '^[1-9][0-9]{0,8}[smhd]$';
/** Octal permission strings such as "0755". */
export const FILE_MODE_PATTERN = /^0?[0-7]{3}$/;
