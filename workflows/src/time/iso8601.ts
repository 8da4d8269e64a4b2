// ISO 8601 durations, date-times and repeating intervals, as BPMN timers (timeDuration, timeDate, timeCycle) use them.
// Wall-clock arithmetic is done in China time (UTC+8, no daylight saving) whatever the server's TZ is, because
// every community this platform serves lives in that zone; a value with an explicit offset is honoured as written.

import { checkTemplate } from '../expressions/evaluator.js';

export class TimeFormatError extends Error {
  override readonly name = 'TimeFormatError';
}

export const CHINA_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The China-time calendar day of an instant, as whole days since 1970-01-01 (a cheap key for day arithmetic). */
export function chinaDayNumber(date: Date): number {
  return Math.floor((date.getTime() + CHINA_OFFSET_MS) / DAY_MS);
}

/** The instant at which a China-time day (see chinaDayNumber) starts, i.e. 00:00 Asia/Shanghai. */
export function chinaDayStart(day: number): Date {
  return new Date(day * DAY_MS - CHINA_OFFSET_MS);
}

/** 'YYYY-MM-DD' of a China-time day number. */
export function chinaDayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' of the China-time date of an instant. */
export function chinaDateKey(date: Date): string {
  return chinaDayKey(chinaDayNumber(date));
}

/** Parses a 'YYYY-MM-DD' key into a China-time day number, or undefined when it is not a real date. */
export function dayNumberOfKey(key: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return Math.floor(utcMillis(year, month, day) / DAY_MS);
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMillis(year, month + 1, 0)).getUTCDate();
}

// Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
function utcMillis(year: number, month: number, day: number, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() + ms;
}

// ---------------------------------------------------------------- durations

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
const NUM = '(\\d+(?:[.,]\\d+)?)';
const DURATION_PATTERN = new RegExp(
  `^P(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`,
);
const DURATION_EXAMPLE = '(expected e.g. PT10M or P3D)';

/** Parses `P1Y2M3DT4H5M6S`, `PT10S`, `P2W`, `PT1.5S` into its components (not into milliseconds: months vary). */
export function parseDuration(text: string): IsoDuration {
  const value = text.trim();
  const fail: (why?: string) => never = (why = DURATION_EXAMPLE) => {
    throw new TimeFormatError(`${quote(value)} is not an ISO 8601 duration ${why}`);
  };
  const match = DURATION_PATTERN.exec(value);
  if (!match) {
    if (value !== value.toUpperCase() && DURATION_PATTERN.test(value.toUpperCase())) {
      fail(`(write it in capitals: ${value.toUpperCase()})`);
    }
    if (/^R/i.test(value))
      fail('(it repeats, so it belongs in a timeCycle; a timeDuration looks like PT10M or P3D)');
    if (/^\d{4}-\d{2}/.test(value))
      fail('(it is a date, so it belongs in a timeDate; a duration looks like PT10M)');
    fail();
  }
  const parts = match.slice(1);
  if (value.endsWith('T')) fail('(nothing follows the T; write e.g. PT10M or P1DT2H)');
  if (parts.every((part) => part === undefined)) fail();

  const present = parts.map((part, index) => (part === undefined ? -1 : index)).filter((index) => index >= 0);
  const last = present[present.length - 1];
  const duration: IsoDuration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  parts.forEach((part, index) => {
    if (part === undefined) return;
    const unit = UNITS[index];
    if (unit === undefined) return;
    const fractional = /[.,]/.test(part);
    // ISO 8601 allows a fraction only on the smallest component; years and months have no fixed length to split.
    if (fractional && (index !== last || unit === 'years' || unit === 'months')) {
      fail('(only the last of weeks, days, hours, minutes or seconds may have a fraction)');
    }
    duration[unit] = Number(part.replace(',', '.'));
  });
  return duration;
}

function hasCalendarPart(duration: IsoDuration): boolean {
  return duration.years !== 0 || duration.months !== 0;
}

function fixedMillis(duration: IsoDuration): number {
  const days = duration.weeks * 7 + duration.days;
  return Math.round(
    days * DAY_MS + duration.hours * 3_600_000 + duration.minutes * 60_000 + duration.seconds * 1000,
  );
}

/**
 * Adds a duration to an instant. Years and months move the China-time calendar date and keep the clock time,
 * clamping to the month's last day (2026-01-31 + P1M = 2026-02-28); weeks, days and smaller parts are exact
 * lengths, which in China time (no DST) is the same as moving the calendar.
 */
export function addDuration(date: Date, duration: IsoDuration): Date {
  let millis = date.getTime();
  if (hasCalendarPart(duration)) {
    const wall = new Date(millis + CHINA_OFFSET_MS);
    const totalMonths =
      wall.getUTCFullYear() * 12 + wall.getUTCMonth() + duration.years * 12 + duration.months;
    const year = Math.floor(totalMonths / 12);
    const month = (totalMonths % 12) + 1;
    const day = Math.min(wall.getUTCDate(), daysInMonth(year, month));
    const timeOfDay = millis + CHINA_OFFSET_MS - Math.floor((millis + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS;
    millis = utcMillis(year, month, day, timeOfDay) - CHINA_OFFSET_MS;
  }
  return new Date(millis + fixedMillis(duration));
}

/** The length of a duration in milliseconds; durations with years or months need the instant they start from. */
export function durationMillis(duration: IsoDuration, from?: Date): number {
  if (!hasCalendarPart(duration)) return fixedMillis(duration);
  if (!from)
    throw new TimeFormatError('A duration with years or months has no fixed length without a start date');
  return addDuration(from, duration).getTime() - from.getTime();
}

/** Formats milliseconds as `PT<seconds>S`, the form every ISO 8601 parser (and bpmn-elements' timers) accepts. */
export function millisToIsoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Cannot express ${ms} ms as an ISO 8601 duration`);
  const seconds = Math.round(ms) / 1000;
  return `PT${seconds.toFixed(3).replace(/\.?0+$/, '')}S`;
}

// ---------------------------------------------------------------- date-times

const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DATE_EXAMPLE = '(expected e.g. 2026-01-01T08:00:00+08:00; without an offset China time is meant)';

/**
 * Parses an ISO 8601 date or date-time. An explicit offset (`Z`, `+08:00`, `-0500`) is honoured; without one the
 * value is China time, since that is what a modeller in China means by "2026-01-01T09:00".
 */
export function parseDate(text: string): Date {
  const value = text.trim();
  const fail: (why?: string) => never = (why = DATE_EXAMPLE) => {
    throw new TimeFormatError(`${quote(value)} is not an ISO 8601 date-time ${why}`);
  };
  const match = DATE_PATTERN.exec(value);
  if (!match) {
    if (/^P|^R/i.test(value))
      fail('(it is a duration or cycle; a timeDate looks like 2026-01-01T08:00:00+08:00)');
    fail();
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) fail(`(there is no month ${month})`);
  if (day < 1 || day > daysInMonth(year, month)) fail(`(${y}-${mo} has no day ${day})`);
  const millisecond = Math.round(Number(`0.${fraction || '0'}`) * 1000);
  const endOfDay = hour === 24 && minute === 0 && second === 0 && millisecond === 0;
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) fail('(the time of day is out of range)');

  let offset = CHINA_OFFSET_MS;
  if (zone === 'Z') offset = 0;
  else if (zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = Number(digits.slice(2) || '0');
    if (offsetHours > 14 || offsetMinutes > 59) fail('(the UTC offset is out of range)');
    offset = sign * (offsetHours * 3_600_000 + offsetMinutes * 60_000);
  }
  const wall = utcMillis(year, month, day) + hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond;
  return new Date(wall - offset);
}

// ---------------------------------------------------------------- cycles

export interface IsoCycle {
  /** How many times the timer fires; Infinity for `R/…`. */
  repetitions: number;
  /** The first firing, when the cycle names one; otherwise the cycle is anchored where the timer is armed. */
  start?: Date;
  duration: IsoDuration;
}

const CYCLE_EXAMPLE = '(expected e.g. R3/PT10M, R/P1D or R/2026-01-01T09:00:00+08:00/P1D)';

/** Parses `R3/PT10S`, `R/PT1H`, `R5/2026-01-01T08:00:00+08:00/P1D`. Cron expressions are not supported. */
export function parseCycle(text: string): IsoCycle {
  const value = text.trim();
  const fail: (why?: string) => never = (why = CYCLE_EXAMPLE) => {
    throw new TimeFormatError(`${quote(value)} is not an ISO 8601 repeating interval ${why}`);
  };
  if (/^\S+(\s+\S+){4,6}$/.test(value)) {
    fail(
      '(cron expressions are not supported; write e.g. R/2026-01-01T09:00:00+08:00/P1D for every day at 9:00)',
    );
  }
  const parts = value.split('/');
  const repeat = /^R(-1|\d*)$/.exec(parts[0] ?? '');
  if (!repeat) {
    if (/^P/.test(value))
      fail('(a cycle starts with R, e.g. R3/PT10M; a single delay belongs in a timeDuration)');
    fail();
  }
  const repetitions = repeat[1] === '' || repeat[1] === '-1' ? Infinity : Number(repeat[1]);
  if (repetitions === 0) fail('(R0 never fires; write R1 or more, or R for no limit)');

  let start: Date | undefined;
  let durationText: string;
  if (parts.length === 2) {
    durationText = parts[1] ?? '';
  } else if (parts.length === 3) {
    if (/^P/.test(parts[1] ?? ''))
      fail('(write the start before the duration: R2/2026-01-01T08:00:00+08:00/PT1H)');
    start = parseDate(parts[1] ?? '');
    durationText = parts[2] ?? '';
  } else {
    fail();
  }
  const duration = parseDuration(durationText);
  if (!hasCalendarPart(duration) && fixedMillis(duration) <= 0)
    fail('(the interval must be longer than zero)');
  return start ? { repetitions, start, duration } : { repetitions, duration };
}

function scale(duration: IsoDuration, factor: number): IsoDuration {
  const scaled = { ...duration };
  for (const unit of UNITS) scaled[unit] = duration[unit] * factor;
  return scaled;
}

/**
 * The next `count` firings strictly after `after`. Without a start the cycle is anchored at `after` (the moment the
 * timer is armed) and fires at after+d, after+2d, … up to `repetitions` times. With a start it fires at start,
 * start+d, … (`repetitions` firings in all), so "R5/<Monday 09:00>/P1D" is Monday to Friday at 09:00.
 * Each firing is start + k·d (not the previous firing + d), so monthly cycles do not drift after a short month.
 */
export function nextOccurrences(cycle: IsoCycle, after: Date, count: number): Date[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number, got ${count}`);
  const anchor = cycle.start ?? after;
  const at = (k: number): Date => addDuration(anchor, scale(cycle.duration, k));

  let k = cycle.start ? 0 : 1;
  if (cycle.start && after.getTime() >= cycle.start.getTime()) {
    if (hasCalendarPart(cycle.duration)) {
      while (k < cycle.repetitions && at(k).getTime() <= after.getTime()) k += 1;
    } else {
      // Jump straight to the right firing: R/2020-01-01T00:00/PT1M must not loop over millions of past minutes.
      const step = fixedMillis(cycle.duration);
      k = Math.floor((after.getTime() - cycle.start.getTime()) / step);
      while (k > 0 && at(k - 1).getTime() > after.getTime()) k -= 1;
      while (at(k).getTime() <= after.getTime()) k += 1;
    }
  }
  const firstIndex = cycle.start ? 0 : 1;
  const lastIndex = cycle.repetitions - 1 + firstIndex;
  const result: Date[] = [];
  for (; k <= lastIndex && result.length < count; k += 1) result.push(at(k));
  return result;
}

// ---------------------------------------------------------------- deploy-time validation

export type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';
export type TimerCheck = { ok: true } | { ok: false; message: string };

/**
 * Checks a timer definition's value when a diagram is deployed. Values with `${…}` are only known at run time, so
 * their expressions are syntax-checked instead (and, given `functionNames`, checked to call only those functions).
 */
export function describeTimer(
  kind: TimerKind,
  value: string | undefined,
  options: { functionNames?: readonly string[] } = {},
): TimerCheck {
  if (value === undefined || value.trim() === '') return { ok: false, message: `The ${kind} is empty` };
  if (value.includes('${')) {
    const problem = checkTemplate(value, options.functionNames);
    return problem === undefined
      ? { ok: true }
      : { ok: false, message: `The ${kind} expression: ${problem}` };
  }
  try {
    if (kind === 'timeDuration') parseDuration(value);
    else if (kind === 'timeDate') parseDate(value);
    else parseCycle(value);
    return { ok: true };
  } catch (error) {
    if (error instanceof TimeFormatError) return { ok: false, message: error.message };
    throw error;
  }
}

function quote(value: string): string {
  return value === '' ? 'An empty value' : `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
}
