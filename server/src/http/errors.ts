// Typed errors with stable ids. The API answers `{ "error": { "id", "message", "details"? } }`.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'bad_request', message, details);
export const validationFailed = (message: string, details?: unknown) =>
  new ApiError(400, 'validation_failed', message, details);
export const unauthenticated = (message = 'Sign in first') => new ApiError(401, 'unauthenticated', message);
export const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'The username or password is wrong');
export const accountLocked = (until: Date) =>
  new ApiError(
    423,
    'account_locked',
    `Too many failed sign-ins; the account is locked until ${until.toISOString()}`,
    {
      lockedUntil: until.toISOString(),
    },
  );
export const forbidden = (message = 'You are not allowed to do this') =>
  new ApiError(403, 'forbidden', message);
export const notFound = (what: string, id?: string) =>
  new ApiError(404, 'not_found', id ? `${what} ${id} does not exist` : `${what} does not exist`);
export const conflict = (message: string, details?: unknown) =>
  new ApiError(409, 'conflict', message, details);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'payload_too_large', `The request body is larger than the limit of ${limit} bytes`);
export const unsupportedMediaType = (expected: string) =>
  new ApiError(415, 'unsupported_media_type', `Send the body as ${expected}`);
export const upstreamError = (id: string, message: string, status = 502) => new ApiError(status, id, message);
export const serviceUnavailable = (message: string) => new ApiError(503, 'service_unavailable', message);
