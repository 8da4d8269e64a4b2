import { scanExpressions, splitList } from './expressions.js';

describe('scanExpressions', () => {
  it('finds the source of every ${…}, braces and quoted braces included', () => {
    expect(scanExpressions("due ${days(3)} by ${ {a: 1}.a } or ${name == '}'}")).toEqual({
      expressions: ['days(3)', '{a: 1}.a', "name == '}'"],
      errors: [],
    });
  });

  it('reports an unclosed ${ and an empty ${}', () => {
    expect(scanExpressions('${}').errors).toEqual(['"${}" is empty']);
    expect(scanExpressions("${outcome == 'accept'").errors).toEqual([
      `"\${outcome == 'accept'" is never closed with "}"`,
    ]);
  });

  it('finds nothing in plain text', () => {
    expect(scanExpressions('dispatcher')).toEqual({ expressions: [], errors: [] });
  });
});

describe('splitList', () => {
  it('splits on commas outside expressions and drops blanks', () => {
    expect(splitList(" a , ${f('x,y')},, b ")).toEqual(['a', "${f('x,y')}", 'b']);
  });
});
