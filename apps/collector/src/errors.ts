/**
 * Errors the collector's admin HTTP answers with. Each code carries its HTTP status, and the
 * body has fastify's error shape ({statusCode, code, error, message}) so clients parse one form.
 * The live tail's bad filter comes from the collector package (RL_COLLECTOR_BAD_TAIL_FILTER).
 */
import { CollectorErrorCode } from '@ringlog/collector';

export const CollectorAppErrorCode = {
  TAIL_UNAVAILABLE: 'RL_COLLECTOR_TAIL_UNAVAILABLE',
} as const;
export type CollectorAppErrorCode = (typeof CollectorAppErrorCode)[keyof typeof CollectorAppErrorCode];

export const CollectorAppErrorDescription: Readonly<Record<CollectorAppErrorCode, string>> = {
  RL_COLLECTOR_TAIL_UNAVAILABLE: 'A live tail (`GET /tail`) was refused: as many clients as allowed are already streaming, or the collector is stopping. Retry later.',
};

/** The HTTP status of every code the admin HTTP may answer with. */
export const ADMIN_ERROR_STATUS: Readonly<Record<string, { readonly statusCode: number; readonly error: string }>> = {
  [CollectorErrorCode.BAD_TAIL_FILTER]: { statusCode: 400, error: 'Bad Request' },
  [CollectorAppErrorCode.TAIL_UNAVAILABLE]: { statusCode: 503, error: 'Service Unavailable' },
};

export class CollectorAppError extends Error {
  readonly code: CollectorAppErrorCode;
  constructor(code: CollectorAppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface AdminErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly error: string;
  readonly message: string;
}

/** The reply for an error whose code is in ADMIN_ERROR_STATUS; a code missing there is a bug. */
export function adminErrorBody(error: { readonly code: string; readonly message: string }): AdminErrorBody {
  const status = ADMIN_ERROR_STATUS[error.code];
  if (status === undefined) throw new Error(`Bug: no HTTP status for error code ${error.code}`);
  return { statusCode: status.statusCode, code: error.code, error: status.error, message: error.message };
}
