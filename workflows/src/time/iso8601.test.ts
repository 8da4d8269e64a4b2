import {
  addDuration,
  describeTimer,
  durationMillis,
  millisToIsoDuration,
  nextOccurrences,
  parseCycle,
  parseDate,
  parseDuration,
  TimeFormatError,
} from './iso8601.js';

const cst = (wall: string) => new Date(`${wall}+08:00`);
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('parseDuration', () => {
  it('reads every component of P1Y2M3DT4H5M6S', () => {
    expect(parseDuration('P1Y2M3DT4H5M6S')).toEqual({
      years: 1,
      months: 2,
      weeks: 0,
      days: 3,
      hours: 4,
      minutes: 5,
      seconds: 6,
    });
  });

  it.each([
    ['PT10S', 10_000],
    ['PT10M', 600_000],
    ['P3D', 3 * 86_400_000],
    ['P2W', 14 * 86_400_000],
    ['PT1.5S', 1500],
    ['PT1,5S', 1500],
    ['PT0.25H', 900_000],
    ['P1DT12H', 36 * 3_600_000],
    ['PT93600S', 93_600_000],
  ])('%s lasts %d ms', (text, ms) => {
    expect(durationMillis(parseDuration(text))).toBe(ms);
  });

  it('explains what a duration looks like', () => {
    expect(() => parseDuration('PT10X')).toThrow(
      new TimeFormatError('"PT10X" is not an ISO 8601 duration (expected e.g. PT10M or P3D)'),
    );
  });

  it.each([
    ['', /An empty value is not an ISO 8601 duration/],
    ['P', /expected e.g. PT10M/],
    ['PT', /nothing follows the T/],
    ['P1DT', /nothing follows the T/],
    ['10M', /expected e.g. PT10M/],
    ['pt10m', /write it in capitals: PT10M/],
    ['P1.5Y', /only the last of weeks, days, hours, minutes or seconds may have a fraction/],
    ['PT1.5H30M', /may have a fraction/],
    ['R3/PT10S', /belongs in a timeCycle/],
    ['2026-01-01T08:00', /belongs in a timeDate/],
    ['-P1D', /expected e.g. PT10M/],
  ])('rejects %p', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('needs a start date to measure a duration with months', () => {
    expect(() => durationMillis(parseDuration('P1M'))).toThrow(TimeFormatError);
    expect(durationMillis(parseDuration('P1M'), cst('2026-02-01T00:00:00'))).toBe(28 * 86_400_000);
  });
});

describe('addDuration', () => {
  it('clamps to the end of a shorter month', () => {
    expect(addDuration(cst('2026-01-31T10:00:00'), parseDuration('P1M'))).toEqual(cst('2026-02-28T10:00:00'));
    expect(addDuration(cst('2024-02-29T10:00:00'), parseDuration('P1Y'))).toEqual(cst('2025-02-28T10:00:00'));
  });

  it('moves months on the China-time calendar, not the UTC one', () => {
    // 2026-03-31 01:00 in China is still 03-30 in UTC; a month later must be 04-30 01:00 China time.
    expect(addDuration(cst('2026-03-31T01:00:00'), parseDuration('P1M'))).toEqual(cst('2026-04-30T01:00:00'));
  });

  it('adds days and time exactly', () => {
    expect(addDuration(cst('2026-01-01T08:00:00'), parseDuration('P1Y2M3DT4H5M6.5S'))).toEqual(
      cst('2027-03-04T12:05:06.500'),
    );
  });
});

describe('millisToIsoDuration', () => {
  it.each([
    [93_600_000, 'PT93600S'],
    [1500, 'PT1.5S'],
    [0, 'PT0S'],
  ])('%d ms is %s', (ms, text) => {
    expect(millisToIsoDuration(ms)).toBe(text);
    expect(durationMillis(parseDuration(text))).toBe(ms);
  });

  it('refuses a negative length', () => {
    expect(() => millisToIsoDuration(-1)).toThrow(RangeError);
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-01-01T08:00:00Z', '2026-01-01T08:00:00.000Z'],
    ['2026-01-01T08:00:00+08:00', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T08:00:00+0800', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T08:00:00-05:00', '2026-01-01T13:00:00.000Z'],
    ['2026-01-01T08:00:00.123Z', '2026-01-01T08:00:00.123Z'],
    ['2026-01-01T08:00', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T08:00:30', '2026-01-01T00:00:30.000Z'],
    ['2026-01-01', '2025-12-31T16:00:00.000Z'],
    ['2026-01-01T24:00:00+08:00', '2026-01-01T16:00:00.000Z'],
  ])('%s is %s (no offset means China time)', (text, expected) => {
    expect(parseDate(text).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-02-30T08:00:00Z', /2026-02 has no day 30/],
    ['2026-13-01', /there is no month 13/],
    ['2026-01-01T25:00', /time of day is out of range/],
    ['2026-01-01T08:00:00+15:00', /UTC offset is out of range/],
    ['next monday', /expected e\.g\. 2026-01-01T08:00:00\+08:00/],
    ['PT10M', /it is a duration or cycle/],
  ])('rejects %s', (text, message) => {
    expect(() => parseDate(text)).toThrow(message);
  });
});

describe('parseCycle', () => {
  it('reads R3/PT10S, R/PT1H and R-1/PT1H', () => {
    expect(parseCycle('R3/PT10S')).toEqual({ repetitions: 3, duration: parseDuration('PT10S') });
    expect(parseCycle('R/PT1H').repetitions).toBe(Infinity);
    expect(parseCycle('R-1/PT1H').repetitions).toBe(Infinity);
  });

  it('reads a start date', () => {
    expect(parseCycle('R5/2026-01-01T08:00:00+08:00/P1D')).toEqual({
      repetitions: 5,
      start: new Date('2026-01-01T00:00:00Z'),
      duration: parseDuration('P1D'),
    });
  });

  it.each([
    ['0 0 9 * * ?', /cron expressions are not supported/],
    ['PT10S', /a cycle starts with R/],
    ['R0/PT10S', /R0 never fires/],
    ['R/PT0S', /must be longer than zero/],
    ['R2/PT1H/2026-01-01T08:00:00Z', /write the start before the duration/],
    ['R3/PT10X', /"PT10X" is not an ISO 8601 duration/],
    ['R3/2026-02-30T08:00/P1D', /has no day 30/],
    ['RR/PT1S', /expected e.g. R3\/PT10M/],
  ])('rejects %p', (text, message) => {
    expect(() => parseCycle(text)).toThrow(message);
  });
});

describe('nextOccurrences', () => {
  const armed = new Date('2026-01-01T00:00:00Z');

  it('without a start, fires every interval after the moment it is armed, as often as it repeats', () => {
    expect(iso(nextOccurrences(parseCycle('R3/PT10S'), armed, 10))).toEqual([
      '2026-01-01T00:00:10.000Z',
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:30.000Z',
    ]);
    expect(nextOccurrences(parseCycle('R/PT1H'), armed, 2)).toHaveLength(2);
  });

  it('with a start, fires first at the start, repetitions times in all', () => {
    const cycle = parseCycle('R5/2026-01-05T09:00:00+08:00/P1D'); // Monday to Friday at 09:00
    expect(iso(nextOccurrences(cycle, cst('2026-01-01T00:00:00'), 10))).toEqual(
      iso(['05', '06', '07', '08', '09'].map((day) => cst(`2026-01-${day}T09:00:00`))),
    );
    expect(iso(nextOccurrences(cycle, cst('2026-01-07T10:00:00'), 10))).toEqual(
      iso([cst('2026-01-08T09:00:00'), cst('2026-01-09T09:00:00')]),
    );
    expect(nextOccurrences(cycle, cst('2026-01-09T09:00:00'), 10)).toEqual([]);
  });

  it('jumps over a long past without iterating', () => {
    const cycle = parseCycle('R/2000-01-01T00:00:00Z/PT1M');
    expect(iso(nextOccurrences(cycle, new Date('2026-05-05T10:20:30Z'), 2))).toEqual([
      '2026-05-05T10:21:00.000Z',
      '2026-05-05T10:22:00.000Z',
    ]);
  });

  it('keeps monthly firings on the same day instead of drifting after a short month', () => {
    const cycle = parseCycle('R/2026-01-31T09:00:00+08:00/P1M');
    expect(iso(nextOccurrences(cycle, cst('2026-01-01T00:00:00'), 4))).toEqual(
      iso(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30'].map((day) => cst(`${day}T09:00:00`))),
    );
  });
});

describe('describeTimer', () => {
  it.each([
    ['timeDuration', 'PT10M'],
    ['timeDate', '2026-01-01T09:00:00+08:00'],
    ['timeCycle', 'R/P1D'],
    ['timeDuration', '${workingDays(3)}'],
  ] as const)('accepts %s %s', (kind, value) => {
    expect(describeTimer(kind, value, { functionNames: ['workingDays'] })).toEqual({ ok: true });
  });

  it.each([
    ['timeDuration', 'PT10X', '"PT10X" is not an ISO 8601 duration (expected e.g. PT10M or P3D)'],
    ['timeDuration', '', 'The timeDuration is empty'],
    ['timeDate', 'P1D', expect.stringMatching(/it is a duration or cycle/)],
    ['timeCycle', 'PT1H', expect.stringMatching(/a cycle starts with R/)],
    [
      'timeDuration',
      '${workingDays(3}',
      expect.stringMatching(/^The timeDuration expression: in \$\{workingDays\(3\}: Syntax error/),
    ],
    ['timeDuration', '${workingDay(3)}', expect.stringMatching(/Unknown function "workingDay"/)],
    ['timeDuration', '${amount', expect.stringMatching(/never closed/)],
  ] as const)('rejects %s %p', (kind, value, message) => {
    expect(describeTimer(kind, value, { functionNames: ['workingDays'] })).toEqual({ ok: false, message });
  });

  it('checks only the syntax of expressions when no function names are given', () => {
    expect(describeTimer('timeDuration', '${anything(1)}')).toEqual({ ok: true });
  });
});
