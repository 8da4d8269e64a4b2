import type { z } from 'zod';
import { validationFailed } from './errors.js';

export interface Problem {
  path: string;
  message: string;
}

/** whether `input` holds a value (anything but undefined) at `path` */
function isPresent(input: unknown, path: PropertyKey[]): boolean {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in current)) return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current !== undefined;
}

// issues that a missing value raises; a custom message of such a schema ("must be a UUID") describes a bad
// value, not an absent one
const MISSING_CODES = new Set(['invalid_type', 'invalid_value', 'invalid_format', 'invalid_union']);

/** One problem per field: a missing field "is required", and each unknown field is named by its own path. */
export function problemsOf(error: z.ZodError, input?: unknown): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...issue.path, key].map(String).join('.'),
        message: 'is not a known field',
      }));
    }
    const missing =
      input !== undefined
        ? issue.path.length > 0 && MISSING_CODES.has(issue.code) && !isPresent(input, issue.path)
        : /received undefined$/.test(issue.message);
    return [{ path: issue.path.map(String).join('.'), message: missing ? 'is required' : issue.message }];
  });
}

/** Parses `value` with `schema`, or throws a 400 naming every problem and where it is. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemsOf(result.error, value);
  const summary = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  throw validationFailed(`Invalid ${where}: ${summary}`, problems);
}
