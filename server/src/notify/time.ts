// China time (UTC+8, no daylight saving) for quiet hours, the daily digest and WeChat's time fields.
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** minutes since midnight, China time */
export function chinaMinutes(at: Date): number {
  return Math.floor(((at.getTime() + OFFSET_MS) % DAY_MS) / 60_000);
}

/** YYYY-MM-DD, China time */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD HH:mm', China time (WeChat `time` fields) */
export function chinaDateTime(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The next moment (strictly after `after`) whose China time of day is `hhmm`. */
export function nextChinaTime(after: Date, hhmm: string): Date {
  const dayStart = Math.floor((after.getTime() + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
  let at = dayStart + minutesOf(hhmm) * 60_000;
  if (at <= after.getTime()) at += DAY_MS;
  return new Date(at);
}

/** Inside quiet hours [start, end) — a window may wrap midnight (22:00-07:00). */
export function inQuietHours(at: Date, start: string, end: string): boolean {
  const m = chinaMinutes(at);
  const s = minutesOf(start);
  const e = minutesOf(end);
  if (s === e) return false;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** When a normal item may go out: now, or the end of the quiet hours it falls in. */
export function afterQuietHours(at: Date, start: string, end: string): Date {
  return inQuietHours(at, start, end) ? nextChinaTime(at, end) : at;
}
