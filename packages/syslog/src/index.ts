export * from './types.ts';
export * from './errors.ts';
export { parseSyslogMessage, SYSLOG_FRAME_BYTES_MAX_DEFAULT, type ParseSyslogOptions } from './parse-syslog-message.ts';
export {
  OctetCountingDecoder,
  OCTET_COUNTING_FRAME_BYTES_MAX_DEFAULT,
  type OctetCountingDecoderOptions,
  type OctetCountingDecoderStats,
} from './octet-counting-decoder.ts';
export {
  NewlineDecoder,
  NEWLINE_LINE_BYTES_MAX_DEFAULT,
  type NewlineDecoderOptions,
  type NewlineDecoderStats,
  type OverlongLinePolicy,
} from './newline-decoder.ts';
