import { createChineseCalendar } from '../time/index.js';
import { evaluate, ExpressionError } from './evaluator.js';
import { createFunctions, SAFE_FUNCTION_NAMES, SAFE_FUNCTIONS } from './functions.js';

const calendar = createChineseCalendar();
const at = (iso: string) => createFunctions({ now: () => new Date(iso), calendar });

describe('now', () => {
  it('returns the injected clock as an ISO string', () => {
    expect(evaluate('now()', {}, at('2026-03-02T09:30:00+08:00'))).toBe('2026-03-02T01:30:00.000Z');
  });
});

describe('workingDays', () => {
  it('gives the duration to the same clock time 3 workdays later, counting the 调休 Sunday before National Day', () => {
    // Friday 2025-09-26 15:00; Sunday 09-28 is a moved workday, so day 3 is Tuesday 09-30.
    expect(evaluate('workingDays(3)', {}, at('2025-09-26T15:00:00+08:00'))).toBe(`PT${4 * 86400}S`);
  });

  it('skips the National Day holiday', () => {
    // Tuesday 2025-09-30 15:00 + 1 workday = Thursday 2025-10-09 15:00.
    expect(evaluate('workingDays(1)', {}, at('2025-09-30T15:00:00+08:00'))).toBe(`PT${9 * 86400}S`);
  });

  it('runs to the end of the workday when started on a day off', () => {
    // Saturday 2025-11-15 10:00 + 1 = end of Monday 11-17 (Tuesday 00:00): 2 days and 14 hours.
    expect(evaluate('workingDays(1)', {}, at('2025-11-15T10:00:00+08:00'))).toBe(
      `PT${2 * 86400 + 14 * 3600}S`,
    );
  });

  it('keeps milliseconds as fractional seconds', () => {
    expect(evaluate('workingDays(1)', {}, at('2025-11-15T10:00:00.250+08:00'))).toBe(
      `PT${2 * 86400 + 14 * 3600 - 1}.75S`,
    );
  });

  it('refuses a number of days that is not a whole number', () => {
    expect(() => evaluate('workingDays(1.5)', {}, at('2025-11-14T10:00:00+08:00'))).toThrow(
      /whole number of days/,
    );
    expect(() => evaluate('workingDays(-1)', {}, at('2025-11-14T10:00:00+08:00'))).toThrow(ExpressionError);
  });
});

describe('addWorkingDays', () => {
  const fns = at('2025-01-01T00:00:00Z');

  it('adds working days to an ISO date-time', () => {
    expect(evaluate("addWorkingDays('2025-09-30T15:00:00+08:00', 1)", {}, fns)).toBe(
      '2025-10-09T07:00:00.000Z',
    );
  });

  it('reads a date-time without an offset as China time, and accepts a Date variable', () => {
    expect(evaluate("addWorkingDays('2025-11-14T15:00', 1)", {}, fns)).toBe('2025-11-17T07:00:00.000Z');
    expect(evaluate('addWorkingDays(d, 1)', { d: new Date('2025-11-14T07:00:00Z') }, fns)).toBe(
      '2025-11-17T07:00:00.000Z',
    );
  });

  it('explains a date it cannot read', () => {
    expect(() => evaluate("addWorkingDays('next friday', 1)", {}, fns)).toThrow(
      /addWorkingDays\(…\): "next friday" is not an ISO 8601 date-time/,
    );
  });
});

describe('collection and text functions', () => {
  const scope = {
    workers: ['u-1', 'u-2'],
    ids: [1, 2],
    title: '楼道灯坏了 Light',
    none: null,
    form: { a: 1, b: 2 },
  };

  it.each([
    ["contains(workers, 'u-2')", true],
    ["contains(workers, 'u-3')", false],
    ["contains(ids, '2')", true],
    ["contains(title, '灯')", true],
    ['contains(none, 1)', false],
    ['size(workers)', 2],
    ['size(title)', 11],
    ['size(form)', 2],
    ['size(none)', 0],
    ["lower('ABC')", 'abc'],
    ["upper('abc')", 'ABC'],
    ['lower(none)', null],
    ["join(workers, '; ')", 'u-1; u-2'],
    ['join(workers)', 'u-1,u-2'],
    ['isEmpty(none)', true],
    ['isEmpty(workers)', false],
    ["isEmpty('')", true],
  ])('%s is %p', (source, expected) => {
    expect(evaluate(source, scope, SAFE_FUNCTIONS)).toEqual(expected);
  });

  it.each([
    ['contains(form, 1)', /contains\(…\) needs a list or a string, but got an object/],
    ['size(1)', /size\(…\) needs a list, a string or an object/],
    ["join('a,b', ',')", /join\(…\) needs a list/],
    ['upper(form)', /upper\(…\) needs a string/],
  ])('%s throws a clear ExpressionError', (source, message) => {
    expect(() => evaluate(source, scope, SAFE_FUNCTIONS)).toThrow(message);
  });
});

describe('SAFE_FUNCTION_NAMES', () => {
  it('lists exactly the functions createFunctions provides', () => {
    expect([...SAFE_FUNCTION_NAMES].sort()).toEqual(Object.keys(SAFE_FUNCTIONS).sort());
  });
});
