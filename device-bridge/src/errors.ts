// Errors an input turns into an HTTP answer: a stable code and a message naming the problem.
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new InputError(400, code, message);
