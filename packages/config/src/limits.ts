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
/** A segment key shorter than this is refused: 16 bytes is 128 bits if they are random. */
export const SEGMENT_KEY_BYTES_MIN = 16;
/** A key file is small; a bigger one is not a key file (a wrong path, most likely). */
export const SEGMENT_KEY_FILE_BYTES_MAX = 4096;
/**
 * Ring packet payload: 512 fits the 576-byte datagram every IPv4 path must carry, and 65000
 * stays under the largest UDP payload (65507) with room for the ring's header.
 */
export const RING_PACKET_BYTES_MIN = 512;
export const RING_PACKET_BYTES_MAX = 65_000;
export const RING_PERSONAL_WINDOW_PACKETS_MAX = 10_000;
export const RING_GLOBAL_WINDOW_PACKETS_MAX = 100_000;
export const RING_IDLE_TOKEN_HOLD_MS_MAX = 1000;
export const TIMEOUT_MS_MAX = 3_600_000;
export const PATH_LENGTH_MAX = 4096;
/** Config files are small; a bigger file is refused before it is parsed. */
export const CONFIG_FILE_BYTES_MAX = 1_048_576;
