/**
 * Bounds of the shipper config. Most catch a mistake in units (milliseconds for seconds, bytes
 * for KiB) rather than protect a resource; the batch bounds come from Spread's message size.
 */

export const INPUTS_MAX = 64;
/** Input names label metrics and name checkpoint files, so they stay plain and are never "." or "..". */
export const INPUT_NAME_PATTERN = '^(?!\\.\\.?$)[A-Za-z0-9_.-]{1,64}$';
/** Mass-vhost buckets per input; mod_log_spread's own setups use a few dozen. */
export const VHOST_BUCKETS_MAX = 1024;
/** A group name or an empty one (only a spread input may leave it empty); 0x24..0x7e excludes "#". */
export const GROUP_NAME_OR_EMPTY_PATTERN = '^[\\x24-\\x7e]{0,31}$';

/** Longest line kept whole: 1 MiB. */
export const LINE_BYTES_MAX = 1_048_576;
/** A batch below 1 KiB costs a Spread message per line or two. */
export const BATCH_BYTES_MIN = 1024;
/**
 * A batch goes out as one Spread message, whose body holds at most 143,120 bytes next to its
 * group names; 128 KiB leaves room for them.
 */
export const BATCH_BYTES_MAX = 131_072;
export const BATCH_DELAY_MS_MAX = 10_000;
/** Bytes in flight to the daemon: 1 GiB is far past what a daemon queues for one session. */
export const WINDOW_BYTES_MAX = 1_073_741_824;
export const SPOOL_SEGMENT_BYTES_MIN = 1_048_576;
export const SPOOL_SEGMENT_BYTES_MAX = 1_073_741_824;

/** Concurrent connections of one stream input. */
export const CONNECTIONS_MAX = 1_000_000;
/** A week: longer idle timeouts are a mistake in units. */
export const IDLE_TIMEOUT_MS_MAX = 604_800_000;
/** Paths and globs of one file input. */
export const FILE_PATHS_MAX = 64;
/** The HTTP input holds a request body in memory before splitting it: 256 MiB at most. */
export const HTTP_BODY_BYTES_MAX = 268_435_456;
/** Longest `listen` value, in characters (a host name is at most 253). */
export const LISTEN_LENGTH_MAX = 300;
