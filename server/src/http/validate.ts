import type { z } from 'zod';
import { validationFailed } from './errors.js';

export interface Problem {
  path: string;
  message: string;
}

export function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    // zod says "expected string, received undefined" for a missing field; people say "is required"
    message: /received undefined$/.test(issue.message) ? 'is required' : issue.message,
  }));
}

/** Parses `value` with `schema`, or throws a 400 naming every problem and where it is. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemsOf(result.error);
  const summary = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  throw validationFailed(`Invalid ${where}: ${summary}`, problems);
}
