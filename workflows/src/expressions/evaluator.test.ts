import { evaluate, ExpressionError, parseCheck, resolveTemplate } from './evaluator.js';

const scope = {
  initiator: 'u-1',
  approved: true,
  amount: 1500,
  amountText: '1000',
  level: 'high',
  nothing: null,
  grid: { id: 'g-7', workers: ['u-1', 'u-2'], leader: null },
  form: { amount: 320.5, 'key with space': 'yes', tags: [], note: '' },
  items: [{ name: 'first' }, { name: 'second' }],
  表单: { 金额: 88 },
};

function errorOf(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluate: literals and variables', () => {
  it.each([
    ['42', 42],
    ['3.25', 3.25],
    ['1e3', 1000],
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["'it\\'s'", "it's"],
    ['true', true],
    ['false', false],
    ['null', null],
  ])('reads the literal %s', (source, expected) => {
    expect(evaluate(source, {})).toEqual(expected);
  });

  it.each([
    ['initiator', 'u-1'],
    ['grid.workers', ['u-1', 'u-2']],
    ['form.amount', 320.5],
    ['items[0].name', 'first'],
    ["form['key with space']", 'yes'],
    ['items[1]["name"]', 'second'],
    ['grid.workers.length', 2],
    ['表单.金额', 88],
  ])('resolves %s against the scope', (source, expected) => {
    expect(evaluate(source, scope)).toEqual(expected);
  });

  it('gives undefined for a missing property of an existing object or an index past the end', () => {
    expect(evaluate('form.missing', scope)).toBeUndefined();
    expect(evaluate('items[5]', scope)).toBeUndefined();
  });
});

describe('evaluate: operators', () => {
  it.each([
    ['approved == true', true],
    ["level != 'low'", true],
    ['amount > 1000 && level == "high"', true],
    ['amount gt 1000 and level eq "high"', true],
    ['amount lt 1000 or not approved', false],
    ['amount >= 1500 && amount <= 1500', true],
    ['amount ge 1501', false],
    ['amount le 1500 && amount ne 1', true],
    ['!approved', false],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 / 4', 2.5],
    ['10 div 4', 2.5],
    ['10 % 4', 2],
    ['10 mod 4', 2],
    ['-amount + 1', -1499],
    ['amount > 1000 ? "big" : "small"', 'big'],
    ['amount > 9000 ? "huge" : amount > 1000 ? "big" : "small"', 'big'],
  ])('%s is %p', (source, expected) => {
    expect(evaluate(source, scope)).toEqual(expected);
  });

  it.each([
    ['empty form.tags', true],
    ['empty form.note', true],
    ['empty nothing', true],
    ['empty grid.workers', false],
    ['not empty grid.workers', true],
  ])('%s is %p', (source, expected) => {
    expect(evaluate(source, scope)).toBe(expected);
  });

  it('compares numbers with numeric strings numerically, as JUEL does', () => {
    expect(evaluate('amountText == 1000', scope)).toBe(true);
    expect(evaluate('amountText > 999', scope)).toBe(true);
    expect(evaluate("'9' < '10'", scope)).toBe(false); // two strings compare as text
  });

  it('treats an ordering with null as false', () => {
    expect(evaluate('nothing > 1000', scope)).toBe(false);
    expect(evaluate('nothing < 1000', scope)).toBe(false);
  });

  it('adds numbers but joins text when one side is not a number', () => {
    expect(evaluate("'1' + 2", {})).toBe(3);
    expect(evaluate("'No. ' + amount", scope)).toBe('No. 1500');
  });

  it('short-circuits && and || so the right side may rely on the left', () => {
    expect(evaluate('grid.leader != null && grid.leader.name == "x"', scope)).toBe(false);
    expect(evaluate('approved || undefinedVariable', scope)).toBe(true);
  });

  it('refuses non-boolean operands of logical operators with a clear message', () => {
    expect(errorOf(() => evaluate('amount && approved', scope)).message).toMatch(
      /"&&" needs true or false, but got number 1500/,
    );
  });

  it('refuses division by zero', () => {
    expect(errorOf(() => evaluate('amount / 0', scope)).message).toMatch(/Division by zero/);
  });
});

describe('evaluate: unknown variables', () => {
  it('throws an ExpressionError naming the unknown variable and the expression', () => {
    const error = errorOf(() => evaluate('amout > 1000', scope));
    expect(error.message).toBe('Unknown variable "amout" in ${amout > 1000}');
  });

  it('throws when reading through null or a missing variable', () => {
    expect(errorOf(() => evaluate('grid.leader.name', scope)).message).toMatch(
      /Cannot read "name" of null \(in grid.leader.name\)/,
    );
  });

  it('allows a missing variable under empty and in comparisons with null', () => {
    expect(evaluate('empty missing', scope)).toBe(true);
    expect(evaluate('empty missing.deeper[0]', scope)).toBe(true);
    expect(evaluate('missing == null', scope)).toBe(true);
    expect(evaluate('null != missing.deeper', scope)).toBe(false);
    expect(evaluate('grid.leader.name == null', scope)).toBe(true);
  });

  it('does not extend that leniency to other comparisons', () => {
    expect(() => evaluate("missing == 'x'", scope)).toThrow(/Unknown variable "missing"/);
  });
});

describe('evaluate: safety', () => {
  it.each(['form.constructor', 'form["__proto__"]', 'form.prototype', 'constructor', "items['constructor']"])(
    'refuses %s',
    (source) => {
      expect(() => evaluate(source, scope)).toThrow(ExpressionError);
    },
  );

  it('treats names of Object.prototype members as ordinary variables', () => {
    expect(evaluate('toString + valueOf', { toString: 1, valueOf: 2 })).toBe(3);
    expect(() => evaluate('hasOwnProperty', {})).toThrow(/Unknown variable "hasOwnProperty"/);
  });

  it('reads own properties only, so nothing inherited such as toString is reachable', () => {
    expect(evaluate('form.toString', scope)).toBeUndefined();
    expect(evaluate('form.hasOwnProperty == null', scope)).toBe(true);
  });

  it('refuses function-valued properties and variables', () => {
    const withFunction = { helper: { run: () => 'ran' }, fn: () => 'ran' };
    expect(() => evaluate('helper.run', withFunction)).toThrow(/is a function/);
    expect(() => evaluate('fn', withFunction)).toThrow(/holds a function/);
  });

  it('refuses method calls as a syntax error', () => {
    expect(() => evaluate('initiator.toUpperCase()', scope)).toThrow(/only functions from the allowed list/);
  });

  it('refuses to read into class instances such as dates and maps', () => {
    expect(() => evaluate('when.getTime', { when: new Date() })).toThrow(/only plain objects and lists/);
    expect(() => evaluate('m.size', { m: new Map() })).toThrow(/only plain objects and lists/);
  });

  it('calls only functions from the given set', () => {
    const fns = { double: (x: unknown) => Number(x) * 2 };
    expect(evaluate('double(amount)', scope, fns)).toBe(3000);
    expect(() => evaluate('triple(amount)', scope, fns)).toThrow(
      /Unknown function "triple" \(available: double\)/,
    );
    expect(() => evaluate('double(1)', scope)).toThrow(/no functions are available/);
  });

  it('cannot reach globals', () => {
    expect(() => evaluate('process', scope)).toThrow(/Unknown variable "process"/);
    expect(() => evaluate('globalThis', scope)).toThrow(/Unknown variable "globalThis"/);
  });

  it('wraps an error thrown inside a function in an ExpressionError', () => {
    const fns = {
      boom: () => {
        throw new Error('kaput');
      },
    };
    expect(errorOf(() => evaluate('boom()', {}, fns)).message).toMatch(/boom\(…\) failed: kaput/);
  });
});

describe('evaluate: syntax errors', () => {
  it('reports the position of the problem', () => {
    const error = errorOf(() => evaluate('amount + )', scope));
    expect(error.position).toBe(9);
    expect(error.message).toBe('Syntax error at column 10 of "amount + )": expected a value but found ")"');
  });

  it.each([
    ["level == 'high", /column 10.*never closed/],
    ['amount = 1', /column 8.*use == to compare/],
    ['a & b', /use &&/],
    ['amount 1', /expected an operator but found "1"/],
    ['(amount', /expected "\)" but found the end/],
    ['a ? b', /expected ":"/],
    ['', /the expression is empty/],
    ['a.', /expected a property name/],
    [`${'('.repeat(150)}1${')'.repeat(150)}`, /nests too deeply/],
  ])('rejects %s', (source, message) => {
    expect(() => evaluate(source, scope)).toThrow(message);
  });
});

describe('parseCheck', () => {
  it('returns undefined for a valid expression', () => {
    expect(parseCheck('amount > 1000 && level == "high"')).toBeUndefined();
  });

  it('returns the syntax error message', () => {
    expect(parseCheck('amount >')).toBe(
      'Syntax error at column 9 of "amount >": expected a value but found the end',
    );
  });

  it('reports calls to functions outside the given names', () => {
    expect(parseCheck('size(list) > 0', ['size'])).toBeUndefined();
    expect(parseCheck('workingDay(3)', ['workingDays'])).toBe(
      'Unknown function "workingDay" (available: workingDays)',
    );
  });
});

describe('resolveTemplate', () => {
  it('returns the typed value of a template that is exactly one expression', () => {
    expect(resolveTemplate('${amount}', scope)).toBe(1500);
    expect(resolveTemplate('${approved}', scope)).toBe(true);
    expect(resolveTemplate('${grid.workers}', scope)).toEqual(['u-1', 'u-2']);
  });

  it('interpolates mixed text into a string', () => {
    expect(resolveTemplate('${initiator} asked for ${amount} yuan', scope)).toBe('u-1 asked for 1500 yuan');
    expect(resolveTemplate('leader: ${grid.leader}', scope)).toBe('leader: ');
  });

  it('returns text without ${ as it is', () => {
    expect(resolveTemplate('PT10M', scope)).toBe('PT10M');
  });

  it('does not end an expression at a } inside a string', () => {
    expect(resolveTemplate("${level == '}' ? 'brace' : 'no brace'}", scope)).toBe('no brace');
  });

  it('rejects an expression that is never closed', () => {
    expect(() => resolveTemplate('total ${amount', scope)).toThrow(/never closed/);
  });
});
