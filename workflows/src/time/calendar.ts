// Working-day arithmetic for time limits (时限). SLAs are counted in working days, and the Chinese calendar moves
// them: public holidays are off, and some weekends become workdays (调休). The official arrangement comes from the
// `chinese-days` package; a community can add its own days off or extra workdays on top.

import { createRequire } from 'node:module';

import {
  chinaDayKey,
  chinaDayNumber,
  chinaDayStart,
  dayNumberOfKey,
  DAY_MS,
  TimeFormatError,
} from './iso8601.js';

export interface WorkCalendar {
  readonly timeZone: 'Asia/Shanghai';
  /** Whether the China-time date of `date` (or a 'YYYY-MM-DD' date) is a working day. */
  isWorkday(date: Date | string): boolean;
  /**
   * The moment a time limit of `n` working days that starts at `from` ends.
   * - `from` on a workday: the same clock time `n` workdays later (Friday 15:00 + 3 = Wednesday 15:00).
   * - `from` on a day off: the clock starts with the next workday, so the limit ends at the end (24:00) of the
   *   n-th workday counting that one (Saturday + 3 = Wednesday 24:00, returned as Thursday 00:00 China time).
   * This is what an office expects: an application handed in on a Saturday is received on Monday, and
   * nobody's time limit shrinks because it arrived late on a Friday.
   */
  addWorkingDays(from: Date, n: number): Date;
  /**
   * Whole working days from `a` to `b`: the workdays after a's date up to and including b's date (negative when
   * b is before a). An instant at exactly 00:00 counts as the end (24:00) of the day before, so
   * `workingDaysBetween(from, addWorkingDays(from, n)) === n` for every `from`.
   */
  workingDaysBetween(a: Date, b: Date): number;
}

export interface ChineseCalendarOptions {
  /** Local days off ('YYYY-MM-DD', China time), e.g. a community's own holiday. */
  extraHolidays?: readonly string[];
  /** Local extra workdays ('YYYY-MM-DD'), e.g. a weekend on which a service hall opens. */
  extraWorkdays?: readonly string[];
  /** Only China time is supported; the option exists so that callers say so explicitly. */
  timeZone?: 'Asia/Shanghai';
}

/**
 * A calendar of official Chinese workdays, holidays and 调休, plus local extras. Years the package has no
 * arrangement for yet fall back to Monday–Friday (update `chinese-days` when the State Council publishes a year).
 */
export function createChineseCalendar(options: ChineseCalendarOptions = {}): WorkCalendar {
  const holidays = dayNumbers('extraHolidays', options.extraHolidays);
  const workdays = dayNumbers('extraWorkdays', options.extraWorkdays);
  for (const day of holidays) {
    if (workdays.has(day))
      throw new RangeError(`${chinaDayKey(day)} is both an extra holiday and an extra workday`);
  }

  const cache = new Map<number, boolean>();
  const isWorkdayNumber = (day: number): boolean => {
    let result = cache.get(day);
    if (result === undefined) {
      result = workdays.has(day) ? true : holidays.has(day) ? false : officialWorkday(day);
      cache.set(day, result);
    }
    return result;
  };
  const nextWorkday = (day: number): number => {
    let next = day + 1;
    while (!isWorkdayNumber(next)) next += 1;
    return next;
  };

  return {
    timeZone: 'Asia/Shanghai',

    isWorkday(date) {
      if (typeof date === 'string') {
        const day = dayNumberOfKey(date);
        if (day === undefined) throw new TimeFormatError(`"${date}" is not a date (expected YYYY-MM-DD)`);
        return isWorkdayNumber(day);
      }
      return isWorkdayNumber(chinaDayNumber(validDate(date)));
    },

    addWorkingDays(from, n) {
      if (!Number.isSafeInteger(n) || n < 0)
        throw new RangeError(`n must be a whole number of days, got ${n}`);
      const start = validDate(from);
      const day = chinaDayNumber(start);
      if (isWorkdayNumber(day)) {
        let target = day;
        for (let counted = 0; counted < n; counted += 1) target = nextWorkday(target);
        return new Date(start.getTime() + (target - day) * DAY_MS);
      }
      let target = nextWorkday(day);
      if (n === 0) return chinaDayStart(target);
      for (let counted = 1; counted < n; counted += 1) target = nextWorkday(target);
      return chinaDayStart(target + 1);
    },

    workingDaysBetween(a, b) {
      const from = effectiveDay(validDate(a));
      const to = effectiveDay(validDate(b));
      const [low, high, sign] = from <= to ? [from, to, 1] : [to, from, -1];
      let count = 0;
      for (let day = low + 1; day <= high; day += 1) if (isWorkdayNumber(day)) count += 1;
      return sign * count;
    },
  };
}

// We read chinese-days' published data rather than call its isWorkday(): the package builds its lookup tables
// with local-time Date getters at load time, so on a server west of UTC every entry lands a day early (with
// TZ=America/Los_Angeles it reports the 调休 Sunday 2025-09-28 as a day off).
interface Arrangement {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

let official: Arrangement | undefined;

function officialArrangement(): Arrangement {
  if (!official) {
    const data: unknown = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');
    official = { holidays: dateKeys(data, 'holidays'), workdays: dateKeys(data, 'workdays') };
  }
  return official;
}

function dateKeys(data: unknown, table: string): ReadonlySet<string> {
  const entries =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[table] : undefined;
  if (typeof entries !== 'object' || entries === null) {
    throw new Error(
      `chinese-days/dist/chinese-days.json has no "${table}" table; has the package changed its format?`,
    );
  }
  return new Set(Object.keys(entries));
}

function officialWorkday(day: number): boolean {
  const key = chinaDayKey(day);
  const { holidays, workdays } = officialArrangement();
  if (workdays.has(key)) return true;
  if (holidays.has(key)) return false;
  const weekday = new Date(day * DAY_MS).getUTCDay(); // day numbers are China dates at UTC midnight
  return weekday >= 1 && weekday <= 5;
}

// 00:00 exactly is the end (24:00) of the previous day: that is how addWorkingDays represents "end of day".
function effectiveDay(date: Date): number {
  return chinaDayNumber(new Date(date.getTime() - 1));
}

function dayNumbers(option: string, keys: readonly string[] | undefined): Set<number> {
  const result = new Set<number>();
  for (const key of keys ?? []) {
    const day = dayNumberOfKey(key);
    if (day === undefined)
      throw new TimeFormatError(`${option}: "${key}" is not a date (expected YYYY-MM-DD)`);
    result.add(day);
  }
  return result;
}

function validDate(date: Date): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('Expected a valid Date');
  return date;
}
