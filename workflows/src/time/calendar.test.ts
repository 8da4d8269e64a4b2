import { execFileSync } from 'node:child_process';

import { createChineseCalendar } from './calendar.js';
import { TimeFormatError } from './iso8601.js';

const calendar = createChineseCalendar();
const cst = (wall: string) => new Date(`${wall}+08:00`);

describe('isWorkday with the official arrangement', () => {
  it.each([
    '2025-10-01',
    '2025-10-02',
    '2025-10-03',
    '2025-10-04',
    '2025-10-05',
    '2025-10-06',
    '2025-10-07',
    '2025-10-08',
  ])('National Day golden week: %s is a day off', (day) => {
    expect(calendar.isWorkday(day)).toBe(false);
  });

  it.each(['2025-09-28', '2025-10-11'])('调休: weekend day %s is a moved workday', (day) => {
    expect(calendar.isWorkday(day)).toBe(true);
  });

  it('Spring Festival 2026: 02-15 to 02-23 off, Saturdays 02-14 and 02-28 are workdays', () => {
    for (let day = 15; day <= 23; day += 1) expect(calendar.isWorkday(`2026-02-${day}`)).toBe(false);
    expect(calendar.isWorkday('2026-02-14')).toBe(true);
    expect(calendar.isWorkday('2026-02-28')).toBe(true);
    expect(calendar.isWorkday('2026-02-24')).toBe(true);
  });

  it('takes the date of an instant in China time', () => {
    // 2025-10-08T20:00Z is already Thursday 2025-10-09 04:00 in China: a workday.
    expect(calendar.isWorkday(new Date('2025-10-08T20:00:00Z'))).toBe(true);
    expect(calendar.isWorkday(new Date('2025-10-08T15:59:59Z'))).toBe(false);
  });

  it('falls back to Monday to Friday for a year without a published arrangement', () => {
    expect(calendar.isWorkday('2031-06-09')).toBe(true); // a Monday
    expect(calendar.isWorkday('2031-06-08')).toBe(false); // a Sunday
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => calendar.isWorkday('2025-13-01')).toThrow(TimeFormatError);
    expect(() => calendar.isWorkday('10/1/2025')).toThrow('"10/1/2025" is not a date (expected YYYY-MM-DD)');
  });
});

describe('addWorkingDays', () => {
  it('ends at the same clock time n workdays later: Friday 15:00 + 3 = Wednesday 15:00', () => {
    expect(calendar.addWorkingDays(cst('2025-11-14T15:00:00'), 3)).toEqual(cst('2025-11-19T15:00:00'));
  });

  it('Friday + 1 is Monday and Friday + 2 is Tuesday', () => {
    expect(calendar.addWorkingDays(cst('2025-11-14T15:00:00'), 1)).toEqual(cst('2025-11-17T15:00:00'));
    expect(calendar.addWorkingDays(cst('2025-11-14T15:00:00'), 2)).toEqual(cst('2025-11-18T15:00:00'));
  });

  it('from a day off, counts from the next workday and ends at its 24:00: Saturday + 3 = end of Wednesday', () => {
    expect(calendar.addWorkingDays(cst('2025-11-15T10:00:00'), 3)).toEqual(cst('2025-11-20T00:00:00'));
    expect(calendar.addWorkingDays(cst('2025-11-16T23:59:00'), 1)).toEqual(cst('2025-11-18T00:00:00'));
  });

  it('0 working days is the moment itself on a workday and the start of the next workday otherwise', () => {
    expect(calendar.addWorkingDays(cst('2025-11-14T15:00:00'), 0)).toEqual(cst('2025-11-14T15:00:00'));
    expect(calendar.addWorkingDays(cst('2025-11-15T10:00:00'), 0)).toEqual(cst('2025-11-17T00:00:00'));
  });

  it('jumps the National Day golden week and counts the 调休 workdays', () => {
    // Friday 09-26 + 1 = Sunday 09-28, a moved workday.
    expect(calendar.addWorkingDays(cst('2025-09-26T15:00:00'), 1)).toEqual(cst('2025-09-28T15:00:00'));
    // Tuesday 09-30 + 1 = Thursday 10-09; + 3 = Saturday 10-11, a moved workday.
    expect(calendar.addWorkingDays(cst('2025-09-30T15:00:00'), 1)).toEqual(cst('2025-10-09T15:00:00'));
    expect(calendar.addWorkingDays(cst('2025-09-30T15:00:00'), 3)).toEqual(cst('2025-10-11T15:00:00'));
    // An application handed in during the holiday is counted from Thursday 10-09.
    expect(calendar.addWorkingDays(cst('2025-10-03T09:00:00'), 1)).toEqual(cst('2025-10-10T00:00:00'));
  });

  it('jumps the Spring Festival 2026', () => {
    // Friday 02-13 + 1 = Saturday 02-14 (调休); + 2 = Tuesday 02-24 after the holiday.
    expect(calendar.addWorkingDays(cst('2026-02-13T15:00:00'), 1)).toEqual(cst('2026-02-14T15:00:00'));
    expect(calendar.addWorkingDays(cst('2026-02-13T15:00:00'), 2)).toEqual(cst('2026-02-24T15:00:00'));
    expect(calendar.addWorkingDays(cst('2026-02-18T10:00:00'), 1)).toEqual(cst('2026-02-25T00:00:00'));
  });

  it('refuses a negative or fractional number of days', () => {
    expect(() => calendar.addWorkingDays(cst('2025-11-14T15:00:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(cst('2025-11-14T15:00:00'), 1.5)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('counts the workdays after the first date up to the second', () => {
    expect(calendar.workingDaysBetween(cst('2025-11-14T15:00:00'), cst('2025-11-17T09:00:00'))).toBe(1);
    expect(calendar.workingDaysBetween(cst('2025-11-17T09:00:00'), cst('2025-11-17T18:00:00'))).toBe(0);
    expect(calendar.workingDaysBetween(cst('2025-09-30T10:00:00'), cst('2025-10-09T10:00:00'))).toBe(1);
    expect(calendar.workingDaysBetween(cst('2025-10-09T10:00:00'), cst('2025-09-30T10:00:00'))).toBe(-1);
  });

  it('is the inverse of addWorkingDays, including the end-of-day rule for days off', () => {
    const starts = [
      '2025-09-26T15:00:00',
      '2025-09-27T10:00:00',
      '2025-10-03T00:00:00',
      '2025-11-17T00:00:00',
      '2026-02-13T23:59:59',
    ];
    for (const start of starts) {
      for (const n of [0, 1, 2, 5, 12]) {
        const from = cst(start);
        expect([start, n, calendar.workingDaysBetween(from, calendar.addWorkingDays(from, n))]).toEqual([
          start,
          n,
          n,
        ]);
      }
    }
  });
});

describe('local configuration', () => {
  it('adds a community day off and an extra workday on top of the official calendar', () => {
    const local = createChineseCalendar({ extraHolidays: ['2025-11-17'], extraWorkdays: ['2025-11-15'] });
    expect(local.isWorkday('2025-11-17')).toBe(false);
    expect(local.isWorkday('2025-11-15')).toBe(true);
    expect(local.addWorkingDays(cst('2025-11-14T15:00:00'), 1)).toEqual(cst('2025-11-15T15:00:00'));
    expect(local.addWorkingDays(cst('2025-11-14T15:00:00'), 2)).toEqual(cst('2025-11-18T15:00:00'));
    expect(calendar.isWorkday('2025-11-17')).toBe(true); // other calendars are unaffected
  });

  it('refuses malformed or contradictory extra days', () => {
    expect(() => createChineseCalendar({ extraHolidays: ['2025-11-31'] })).toThrow(
      'extraHolidays: "2025-11-31" is not a date (expected YYYY-MM-DD)',
    );
    expect(() =>
      createChineseCalendar({ extraHolidays: ['2025-11-17'], extraWorkdays: ['2025-11-17'] }),
    ).toThrow(/both an extra holiday and an extra workday/);
  });
});

describe('independence from the server time zone', () => {
  // TZ is read once per process (Jest's sandbox cannot change it), so each zone runs in a child process.
  const calendarModule = new URL('./calendar.ts', import.meta.url).href;
  const script = `
    const { createChineseCalendar } = await import(${JSON.stringify(calendarModule)});
    const c = createChineseCalendar();
    console.log(JSON.stringify({
      offset: new Date(2025, 0, 1).getTimezoneOffset(),
      moved: c.isWorkday('2025-09-28'),
      holiday: c.isWorkday('2025-10-01'),
      instant: c.isWorkday(new Date('2025-10-08T20:00:00Z')),
      afterHoliday: c.addWorkingDays(new Date('2025-09-30T15:00:00+08:00'), 1).toISOString(),
      fromSaturday: c.addWorkingDays(new Date('2025-11-15T10:00:00+08:00'), 3).toISOString(),
    }));`;

  it.each([
    ['America/Los_Angeles', 480],
    ['Pacific/Kiritimati', -840],
    ['UTC', 0],
  ])('gives the same answers with TZ=%s', (zone, offset) => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TZ: zone, NODE_OPTIONS: '' },
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({
      offset,
      moved: true,
      holiday: false,
      instant: true,
      afterHoliday: '2025-10-09T07:00:00.000Z',
      fromSaturday: '2025-11-19T16:00:00.000Z',
    });
  });
});
