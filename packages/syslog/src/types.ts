/** Why a frame is not a syslog message: a bounded set, usable as a counter label. */
export const SyslogParseFailureReason = {
  EMPTY: 'empty',
  NO_PRI: 'no_pri',
  BAD_PRI: 'bad_pri',
  TOO_LONG: 'too_long',
  BAD_HEADER: 'bad_header',
  BAD_TIMESTAMP: 'bad_timestamp',
  BAD_STRUCTURED_DATA: 'bad_structured_data',
} as const;
export type SyslogParseFailureReason = (typeof SyslogParseFailureReason)[keyof typeof SyslogParseFailureReason];

/** What each failure reason means, for operators and for the test that every reason is documented. */
export const SyslogParseFailureDescription: Readonly<Record<SyslogParseFailureReason, string>> = {
  empty: 'The frame is empty (or only a line terminator).',
  no_pri: 'The frame does not start with "<"; it has no <PRI> and is not syslog (the raw line may still be kept by policy).',
  bad_pri: 'The <PRI> is malformed: empty, not digits, a leading zero, more than 3 digits, unterminated, or above 191.',
  too_long: 'The frame is longer than the configured maximum.',
  bad_header: 'An RFC 5424 header field is missing, empty, too long or not printable ASCII.',
  bad_timestamp: 'An RFC 5424 TIMESTAMP is neither "-" nor an RFC 3339 date-time.',
  bad_structured_data: 'RFC 5424 STRUCTURED-DATA is missing, unterminated or malformed.',
};

export interface SyslogParseFailure {
  readonly ok: false;
  readonly reason: SyslogParseFailureReason;
}

/** One RFC 5424 SD-ELEMENT: its SD-ID and its parameters in order (names may repeat). */
export interface SyslogStructuredElement {
  readonly id: string;
  readonly params: ReadonlyArray<readonly [name: string, value: string]>;
}

interface SyslogMessageBase {
  readonly ok: true;
  /** 0..23 */
  readonly facility: number;
  /** 0..7 */
  readonly severity: number;
  /** As sent, not normalized: RFC 3339 for 5424, "Mmm dd hh:mm:ss" (or RFC 3339) for 3164; null when NILVALUE or absent. */
  readonly timestamp: string | null;
  readonly hostname: string | null;
  /** APP-NAME (5424) or TAG (3164). */
  readonly appName: string | null;
  /** PROCID (5424) or the pid in `TAG[pid]` (3164). */
  readonly procId: string | null;
  /** The MSG part, as bytes: a view into the frame, not a copy; invalid UTF-8 passes through. */
  readonly message: Buffer;
}

export interface Rfc5424Message extends SyslogMessageBase {
  readonly format: 'rfc5424';
  readonly msgId: string | null;
  /** Empty for NILVALUE. */
  readonly structuredData: readonly SyslogStructuredElement[];
}

export interface Rfc3164Message extends SyslogMessageBase {
  readonly format: 'rfc3164';
}

export type SyslogMessage = Rfc5424Message | Rfc3164Message;
