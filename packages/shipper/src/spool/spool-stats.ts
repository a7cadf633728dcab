/**
 * Counters of the spool, read by /metrics and /status. Plain fields, incremented in place: a
 * counter bump on the append path must cost nothing. Bad bytes in spool files show up here,
 * never as exceptions.
 */
export class SpoolStats {
  // Recovery at open.
  /** Unacked records carried over from the previous run. */
  recoveredRecords = 0;
  /** Bytes of those records (pendingBytes right after open). */
  recoveredBytes = 0;
  /** Bytes cut from the end of the last segment at open: a torn write or garbage after the last good record. */
  truncatedTailBytes = 0;
  /**
   * Opens whose persisted cursor was unusable: missing or corrupt while segments exist, or below
   * the oldest segment (delivery restarts at the oldest segment), or not on a record boundary of
   * the newest one (snapped down to the record start).
   */
  cursorResets = 0;
  /** Lock files left by a dead process and taken over. */
  staleLocksTaken = 0;

  // Appends.
  appends = 0;
  /** Bytes written to segments (headers included; what offsets advance by). */
  appendedBytes = 0;
  appendedLines = 0;
  /** append() calls answered null because the spool was at maxBytes. */
  appendsRefused = 0;
  segmentsCreated = 0;
  segmentsDeleted = 0;

  // Reads and acks.
  reads = 0;
  /** Records returned by read(), from memory or disk. */
  recordsRead = 0;
  /** Records read() returned from the memory cache. */
  cacheHits = 0;
  /** Read system calls on segment files serving read() and ack() (each up to a 1 MiB chunk, or one whole record if larger); recovery's scan is not counted. */
  diskReads = 0;
  diskReadBytes = 0;
  /** Times read() met a corrupt record (bad CRC, bad header, truncated) and skipped the rest of its segment. */
  corruptRegions = 0;
  /** Bytes skipped that way (including holes between segment files). */
  corruptBytesSkipped = 0;
  acks = 0;

  // Durability.
  /** fsync/fdatasync calls: segment data, cursor files and the directory. */
  fsyncs = 0;
  /** Times the acked offset was persisted (temp file, fsync, rename, fsync dir). */
  cursorWrites = 0;
}
