/** Bounds shared by the YAML schema and the spread.conf reader (Spread's own limits where it has them). */

/** Spread's MAX_PROC_NAME is 20 including the NUL. */
export const DAEMON_NAME_LENGTH_MAX = 19;
/** Characters allowed in a daemon name: those of a group name (0x24..0x7e), so never `#` or whitespace. */
export const DAEMON_NAME_PATTERN = '^[\\x24-\\x7e]{1,19}$';
export const LISTENERS_MAX = 64;
export const SEGMENTS_MAX = 20;
export const SEGMENT_ADDRESSES_MAX = 5;
export const SEGMENT_DAEMONS_MAX = 128;
/** Spread's MAX_PROCS_RING: daemons over all segments. */
export const RING_DAEMONS_MAX = 128;
export const DAEMON_INTERFACES_MAX = 10;
/** The token uses port + 1, so the segment port stops one short of 65535. */
export const SEGMENT_PORT_MAX = 65534;
export const VIRTUAL_ID_MAX = 2_147_483_647;
export const TIMEOUT_MS_MAX = 3_600_000;
export const PATH_LENGTH_MAX = 4096;
/** Config files are small; a bigger file is refused before it is parsed. */
export const CONFIG_FILE_BYTES_MAX = 1_048_576;
