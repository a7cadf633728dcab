/** Counters of the shipper engine (everything between inputs and the spool), for /metrics. */
export class EngineStats {
  /** Lines and bytes taken into batches (after overlong handling), all inputs. */
  lines = 0;
  bytes = 0;
  batches = 0;
  /** Lines dropped because the spool was full (drop_newest) or the shipper was closing. */
  droppedLines = 0;
  /** Times the engine asked inputs to pause (spool full under on_full: block). */
  pauses = 0;
  /** Spool appends that failed (disk full, I/O error); their batches are kept and retried. */
  spoolWriteErrors = 0;
}
