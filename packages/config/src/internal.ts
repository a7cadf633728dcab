// Siblings and tests reach internals through here; the public surface is index.ts.
export * from './index.ts';
export { DAEMON_CONFIG_SCHEMA } from './daemon-config-schema.ts';
export { DAEMON_CONFIG_CHECKS } from './daemon-config-checks.ts';
export { lexSpreadConf } from './spread-conf-lexer.ts';
export type { Token, TokenKind, LexIssue, LexResult } from './spread-conf-lexer.ts';
export { selectDaemon, hostAddresses } from './daemon-selection.ts';
export { spreadLogLevel } from './spread-log-level.ts';
export { clientListeners } from './spread-client-listeners.ts';
export { KEY_DEFINITIONS, RESERVED_WORDS } from './spread-conf-words.ts';
export { cloneDeepFrozen } from './deep-freeze.ts';
export { canonicalIp, ipFamily, isLoopbackIp, isMulticastIp, isUnspecifiedIp, isHostName } from './ip-address.ts';
export { listenAddressProblem } from './listen-address.ts';
export { boundProblems, boundWarnings, PROBLEMS_REPORTED_MAX, WARNINGS_REPORTED_MAX } from './problem.ts';
export * as limits from './limits.ts';
