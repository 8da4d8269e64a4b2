// The time limit of an approval case, in working days of the Chinese calendar, with the waits for a
// supplement (补正) left out. Working time is counted the way the runtime's `workingDays(n)` counts it: every
// moment of a working day (China time) counts, days off do not. So a limit of n working days that starts at
// `t` ends exactly where `calendar.addWorkingDays(t, n)` ends, and pausing for a supplement moves the end by
// the working time the wait took.
import { createChineseCalendar, type WorkCalendar } from '@linli/workflows';
import type { Services } from '../../services.js';

export const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

const calendars = new WeakMap<Services, WorkCalendar>();

/** The calendar the runtime uses (official days plus the installation's own), one per services. */
export function calendarOf(s: Services): WorkCalendar {
  let cal = calendars.get(s);
  if (!cal) {
    cal = createChineseCalendar(s.config.calendar);
    calendars.set(s, cal);
  }
  return cal;
}

/** start of the China-time day holding `t` (ms) */
const dayStart = (t: number) => Math.floor((t + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;

/** Working time (ms) between a and b: the parts of [a, b) that fall on working days. */
export function workingMsBetween(cal: WorkCalendar, a: Date, b: Date): number {
  let total = 0;
  let t = a.getTime();
  const end = b.getTime();
  while (t < end) {
    const next = Math.min(dayStart(t) + DAY_MS, end);
    if (cal.isWorkday(new Date(t))) total += next - t;
    t = next;
  }
  return total;
}

/** The moment `ms` of working time after `from` has passed. */
export function addWorkingMs(cal: WorkCalendar, from: Date, ms: number): Date {
  let t = from.getTime();
  let left = Math.max(0, ms);
  // a limit starting on a day off starts with the next working day
  for (let guard = 0; guard < 3660; guard++) {
    const dayEnd = dayStart(t) + DAY_MS;
    if (cal.isWorkday(new Date(t))) {
      if (t + left <= dayEnd) return new Date(t + left);
      left -= dayEnd - t;
    } else if (left === 0) {
      // nothing left to count: the end is where the next working day begins
      t = dayEnd;
      continue;
    }
    t = dayEnd;
  }
  throw new RangeError('a time limit of more than ten years');
}

export interface ClockState {
  /** working time used before the running segment (ms) */
  usedMs: number;
  /** when the running segment started; null while paused */
  segmentStart: string | null;
  dueAt: string;
  warnAt: string;
}

/** 80% of the limit: the warning (异常预警) */
export const WARN_SHARE = 0.8;

/** Starts or resumes the clock at `now` with `usedMs` already spent of a `limitDays` limit. */
export function runClock(cal: WorkCalendar, now: Date, limitDays: number, usedMs: number): ClockState {
  const limit = limitDays * DAY_MS;
  return {
    usedMs,
    segmentStart: now.toISOString(),
    dueAt: addWorkingMs(cal, now, limit - usedMs).toISOString(),
    warnAt: addWorkingMs(cal, now, Math.max(0, WARN_SHARE * limit - usedMs)).toISOString(),
  };
}

/** Working time used up to `now`, counting the running segment if there is one. */
export function usedUntil(cal: WorkCalendar, now: Date, usedMs: number, segmentStart: string | null): number {
  return usedMs + (segmentStart ? workingMsBetween(cal, new Date(segmentStart), now) : 0);
}

/** Working days, rounded to two decimals, for people to read. */
export const asWorkingDays = (ms: number) => Math.round((ms / DAY_MS) * 100) / 100;
