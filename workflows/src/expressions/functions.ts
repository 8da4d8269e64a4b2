// The functions a diagram's expressions may call. Each one is pure apart from the clock and calendar it is
// created with, so tests and replays can inject time instead of reading the machine's clock.

import { createChineseCalendar, type WorkCalendar } from '../time/calendar.js';
import { millisToIsoDuration, parseDate } from '../time/iso8601.js';
import {
  describeValue,
  ExpressionError,
  isEmptyValue,
  isPlainObject,
  looseEquals,
  type FunctionSet,
} from './evaluator.js';

export interface FunctionContext {
  now: () => Date;
  calendar: WorkCalendar;
}

export function createFunctions(context: FunctionContext): FunctionSet {
  return {
    /** The current moment as an ISO 8601 string (UTC), e.g. for a timeDate or a "submittedAt" variable. */
    now: () => context.now().toISOString(),

    /**
     * An ISO 8601 duration (PT…S) from now until n working days have passed, so `${workingDays(3)}` can be a
     * timer's timeDuration. See WorkCalendar.addWorkingDays for how the end of the day is counted.
     */
    workingDays: (n) => {
      const now = context.now();
      const end = context.calendar.addWorkingDays(now, wholeDays('workingDays', n));
      return millisToIsoDuration(end.getTime() - now.getTime());
    },

    /** The ISO 8601 moment n working days after a date-time (a string, or a Date held in a variable). */
    addWorkingDays: (date, n) => {
      const from = toDate('addWorkingDays', date);
      return context.calendar.addWorkingDays(from, wholeDays('addWorkingDays', n)).toISOString();
    },

    /** Whether a list holds an item equal to x (== rules), or a string contains x. */
    contains: (haystack, needle) => {
      if (haystack === null || haystack === undefined) return false;
      if (Array.isArray(haystack)) return haystack.some((item) => looseEquals(item, needle));
      if (typeof haystack === 'string') return haystack.includes(String(needle ?? ''));
      throw new ExpressionError(`contains(…) needs a list or a string, but got ${describeValue(haystack)}`);
    },

    /** The number of items in a list, characters in a string, or keys of an object; 0 for null. */
    size: (value) => {
      if (value === null || value === undefined) return 0;
      if (Array.isArray(value)) return value.length;
      if (typeof value === 'string') return Array.from(value).length;
      if (isPlainObject(value)) return Object.keys(value).length;
      throw new ExpressionError(
        `size(…) needs a list, a string or an object, but got ${describeValue(value)}`,
      );
    },

    lower: (value) => text('lower', value)?.toLowerCase() ?? null,
    upper: (value) => text('upper', value)?.toUpperCase() ?? null,

    /** Joins a list's items with a separator (',' by default); null items become ''. */
    join: (list, separator = ',') => {
      if (!Array.isArray(list))
        throw new ExpressionError(`join(…) needs a list, but got ${describeValue(list)}`);
      const sep = text('join', separator) ?? '';
      return list.map((item: unknown) => (item === null || item === undefined ? '' : String(item))).join(sep);
    },

    /** The function form of `empty x`. */
    isEmpty: (value) => isEmptyValue(value),
  };
}

/** The names of the functions createFunctions provides, for validating diagrams at deploy time. */
export const SAFE_FUNCTION_NAMES: readonly string[] = [
  'now',
  'workingDays',
  'addWorkingDays',
  'contains',
  'size',
  'lower',
  'upper',
  'join',
  'isEmpty',
];

/** The functions with the real clock and the official Chinese calendar; inject your own for tests or local days. */
export const SAFE_FUNCTIONS: FunctionSet = createFunctions({
  now: () => new Date(),
  calendar: createChineseCalendar(),
});

function wholeDays(fn: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ExpressionError(
      `${fn}(…) needs a whole number of days (0 or more), but got ${describeValue(value)}`,
    );
  }
  return n;
}

function toDate(fn: string, value: unknown): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string') {
    try {
      return parseDate(value);
    } catch (error) {
      throw new ExpressionError(`${fn}(…): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new ExpressionError(`${fn}(…) needs an ISO 8601 date-time, but got ${describeValue(value)}`);
}

function text(fn: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ExpressionError(`${fn}(…) needs a string, but got ${describeValue(value)}`);
}
