/** The `error.code` values the API answers with. */
export type ErrorCode =
  | 'bad_parameter'
  | 'forbidden'
  | 'not_found'
  | 'unknown_key'
  | 'retracted'
  | 'method_not_allowed'
  | 'internal'
  | 'archive_corrupt';

/** An expected failure that becomes a JSON error response; the message is safe to show to clients. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A 400 `bad_parameter` error. */
export function badParameter(message: string): HttpError {
  return new HttpError(400, 'bad_parameter', message);
}

/** A 404 `not_found` error. */
export function notFound(message: string): HttpError {
  return new HttpError(404, 'not_found', message);
}

/** A 410 `retracted` error: the story or version was retracted (SPEC §6). */
export function retracted(message: string): HttpError {
  return new HttpError(410, 'retracted', message);
}
