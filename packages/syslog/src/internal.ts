export * from './index.ts';
export { readPri, PRI_MAX, type PriResult } from './pri.ts';
export { trimTrailer } from './parse-syslog-message.ts';
export { readStructuredData, type StructuredDataResult } from './structured-data.ts';
export { readTag, parseRfc3164 } from './rfc3164.ts';
export { parseRfc5424 } from './rfc5424.ts';
export { isRfc3339Timestamp, readLegacyTimestamp } from './timestamp.ts';
