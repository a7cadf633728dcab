/**
 * Errors of per-vhost output. Operating errors (a path that is unsafe, a file that cannot be
 * opened) are reported through events and counters by the cache; these classes carry the codes.
 */

export const VhostFilesErrorCode = {
  BAD_STRFTIME: 'RL_VHOST_FILES_BAD_STRFTIME',
  BAD_PATH_TEMPLATE: 'RL_VHOST_FILES_BAD_PATH_TEMPLATE',
} as const;
export type VhostFilesErrorCode = (typeof VhostFilesErrorCode)[keyof typeof VhostFilesErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const VhostFilesErrorDescription: Readonly<Record<VhostFilesErrorCode, string>> = {
  RL_VHOST_FILES_BAD_STRFTIME: 'A strftime pattern (file name template or timestamp rewrite) has a conversion ringlog does not know.',
  RL_VHOST_FILES_BAD_PATH_TEMPLATE:
    'An output path template (split path or catch_all) is malformed: an unknown or unclosed placeholder, a lone brace, an absolute path, an empty, "." or ".." segment, NUL or a backslash.',
};

/** Base class: every error thrown by this package is a `VhostFilesError`. */
export class VhostFilesError extends Error {
  readonly code: VhostFilesErrorCode;
  constructor(code: VhostFilesErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class StrftimeError extends VhostFilesError {
  readonly pattern: string;
  constructor(pattern: string, reason: string) {
    super(VhostFilesErrorCode.BAD_STRFTIME, `strftime pattern ${JSON.stringify(pattern)}: ${reason}`);
    this.pattern = pattern;
  }
}

/** An output path template from the config is malformed; reported at load time, before any line is written. */
export class PathTemplateError extends VhostFilesError {
  readonly template: string;
  constructor(template: string, reason: string, options?: { cause?: unknown }) {
    super(VhostFilesErrorCode.BAD_PATH_TEMPLATE, `path template ${JSON.stringify(template)}: ${reason}`, options);
    this.template = template;
  }
}
