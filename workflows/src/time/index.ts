// Time for the workflow runtime: working-day calendars (时限 in working days, with 调休) and ISO 8601 timer values.

export { createChineseCalendar } from './calendar.js';
export type { ChineseCalendarOptions, WorkCalendar } from './calendar.js';
export {
  addDuration,
  CHINA_OFFSET_MS,
  chinaDateKey,
  describeTimer,
  durationMillis,
  millisToIsoDuration,
  nextOccurrences,
  parseCycle,
  parseDate,
  parseDuration,
  TimeFormatError,
} from './iso8601.js';
export type { IsoCycle, IsoDuration, TimerCheck, TimerKind } from './iso8601.js';
