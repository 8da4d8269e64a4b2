// A small, safe expression language: the JUEL subset Camunda 7 modellers write inside ${…}. It is parsed and
// interpreted here, never handed to eval/new Function, so a diagram can only read variables and call the
// functions it is given.
//
// Unknown variables: reading a variable that is not in scope throws an ExpressionError naming it (a typo in a
// gateway condition should stop the instance with a clear incident, not silently take the other flow). Two
// places are lenient, because there "missing" is the question being asked: the operand of `empty`, and either
// side of `== null` / `!= null`. There a missing variable, or a property read through null, is just undefined.

export type Scope = Readonly<Record<string, unknown>>;
export type SafeFunction = (...args: readonly unknown[]) => unknown;
export type FunctionSet = Readonly<Record<string, SafeFunction>>;

export interface EvaluateOptions {
  /** Objects whose function-valued properties may be read as values (never called), e.g. bpmn-engine services. */
  functionHolders?: ReadonlySet<object>;
}

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  /** 0-based offset into the expression source, for syntax errors. */
  readonly position: number | undefined;

  constructor(message: string, position?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.position = position;
  }
}

// ---------------------------------------------------------------- tokens

type TokenKind = 'number' | 'string' | 'name' | 'op' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  value?: number | string;
  /** The word as written, for keyword operators (`eq`, `and`, `empty`…), which may still name a property. */
  word?: string;
  position: number;
}

const KEYWORD_OPERATORS: Readonly<Record<string, string>> = {
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  and: '&&',
  or: '||',
  not: '!',
  div: '/',
  mod: '%',
  empty: 'empty',
};
const KEYWORD_LITERALS: Readonly<Record<string, unknown>> = { true: true, false: false, null: null };
// Longest first, so that '<=' is not read as '<' then '='.
const OPERATORS = '== != <= >= && || < > ! + - * / % ( ) [ ] . , ? :'.split(' ');
const HINTS: Readonly<Record<string, string>> = {
  '=': 'use == to compare',
  '&': 'use && (or and)',
  '|': 'use || (or or)',
};
const MAX_DEPTH = 100;
const FORBIDDEN_NAMES = new Set(['constructor', '__proto__', 'prototype']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const number = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), position: i });
      i += number[0].length;
      continue;
    }
    const name = /^[\p{L}_$][\p{L}\p{N}_$]*/u.exec(source.slice(i));
    if (name) {
      const word = name[0];
      // hasOwn: a variable called toString or constructor must not pick up Object.prototype members.
      const operator = Object.hasOwn(KEYWORD_OPERATORS, word) ? KEYWORD_OPERATORS[word] : undefined;
      tokens.push(
        operator
          ? { kind: 'op', text: operator, word, position: i }
          : { kind: 'name', text: word, position: i },
      );
      i += word.length;
      continue;
    }
    if (char === "'" || char === '"') {
      const start = i;
      let value = '';
      i += 1;
      while (i < source.length && source[i] !== char) {
        // JUEL escapes: \' \" \\ ; any other backslash stays as written.
        if (source[i] === '\\' && /['"\\]/.test(source[i + 1] ?? '')) i += 1;
        value += source[i];
        i += 1;
      }
      if (i >= source.length) throw syntaxError(source, start, 'this string is never closed');
      i += 1;
      tokens.push({ kind: 'string', text: source.slice(start, i), value, position: start });
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator) {
      tokens.push({ kind: 'op', text: operator, position: i });
      i += operator.length;
      continue;
    }
    const hint = Object.hasOwn(HINTS, char) ? HINTS[char] : undefined;
    throw syntaxError(source, i, `unexpected "${char}"${hint ? ` (${hint})` : ''}`);
  }
  tokens.push({ kind: 'end', text: 'the end', position: source.length });
  return tokens;
}

function syntaxError(source: string, position: number, detail: string): ExpressionError {
  const shown = source.length > 80 ? `${source.slice(0, 77)}...` : source;
  return new ExpressionError(`Syntax error at column ${position + 1} of "${shown}": ${detail}`, position);
}

// ---------------------------------------------------------------- syntax tree

type Node =
  | { type: 'literal'; value: unknown }
  | { type: 'variable'; name: string }
  | { type: 'member'; object: Node; key: Node | string }
  | { type: 'call'; name: string; args: Node[] }
  | { type: 'unary'; op: string; operand: Node }
  | { type: 'binary'; op: string; left: Node; right: Node }
  | { type: 'conditional'; test: Node; then: Node; otherwise: Node };

const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<', '>', '<=', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Node {
    if (this.peek().kind === 'end') throw syntaxError(this.source, 0, 'the expression is empty');
    const node = this.conditional();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next, 'an operator');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private accept(op: string): boolean {
    const token = this.peek();
    if (token.kind === 'op' && token.text === op) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private expect(op: string): void {
    if (!this.accept(op)) throw this.unexpected(this.peek(), `"${op}"`);
  }

  private unexpected(token: Token, expected: string): ExpressionError {
    const found = token.kind === 'end' ? 'the end' : `"${token.text}"`;
    return syntaxError(this.source, token.position, `expected ${expected} but found ${found}`);
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_DEPTH)
      throw syntaxError(this.source, this.peek().position, 'the expression nests too deeply');
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private conditional(): Node {
    return this.nested<Node>(() => {
      const test = this.binary(0);
      if (!this.accept('?')) return test;
      const then = this.conditional();
      this.expect(':');
      const otherwise = this.conditional();
      return { type: 'conditional', test, then, otherwise };
    });
  }

  private binary(level: number): Node {
    const ops = BINARY_LEVELS[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || !ops.includes(token.text)) return left;
      this.take();
      left = { type: 'binary', op: token.text, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Node {
    const token = this.peek();
    if (token.kind === 'op' && (token.text === '-' || token.text === '!' || token.text === 'empty')) {
      this.take();
      return this.nested<Node>(() => ({ type: 'unary', op: token.text, operand: this.unary() }));
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Node): Node {
    let node = base;
    for (;;) {
      if (this.accept('.')) {
        const name = this.take();
        const key = name.kind === 'name' ? name.text : name.word;
        if (key === undefined) throw this.unexpected(name, 'a property name');
        node = { type: 'member', object: node, key };
      } else if (this.accept('[')) {
        const key = this.conditional();
        this.expect(']');
        node = { type: 'member', object: node, key };
      } else if (this.peek().kind === 'op' && this.peek().text === '(') {
        throw syntaxError(
          this.source,
          this.peek().position,
          'only functions from the allowed list can be called, by name, e.g. size(list)',
        );
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const token = this.take();
    if (token.kind === 'number' || token.kind === 'string') return { type: 'literal', value: token.value };
    if (token.kind === 'name') {
      if (Object.hasOwn(KEYWORD_LITERALS, token.text))
        return { type: 'literal', value: KEYWORD_LITERALS[token.text] };
      if (this.accept('(')) return { type: 'call', name: token.text, args: this.args() };
      return { type: 'variable', name: token.text };
    }
    if (token.kind === 'op' && token.text === '(') {
      const inner = this.conditional();
      this.expect(')');
      return inner;
    }
    throw this.unexpected(token, 'a value');
  }

  private args(): Node[] {
    const args: Node[] = [];
    if (this.accept(')')) return args;
    do args.push(this.conditional());
    while (this.accept(','));
    this.expect(')');
    return args;
  }
}

const parsed = new Map<string, Node>();
const CACHE_LIMIT = 1000;

function parse(source: string): Node {
  let node = parsed.get(source);
  if (!node) {
    node = new Parser(source, tokenize(source)).parse();
    // Conditions are evaluated over and over with the same text; a bounded cache keeps that cheap.
    if (parsed.size >= CACHE_LIMIT) parsed.clear();
    parsed.set(source, node);
  }
  return node;
}

// ---------------------------------------------------------------- values

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JUEL `empty`: null, undefined, '', [] and {} are empty. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Map || value instanceof Set) return value.size === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function numericString(value: unknown): value is string {
  return typeof value === 'string' && NUMERIC.test(value);
}

/** JUEL-style equality: numbers equal numeric strings, booleans equal 'true'/'false', dates compare by time. */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'number' && numericString(b)) return a === Number(b);
  if (typeof b === 'number' && numericString(a)) return b === Number(a);
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
  if (typeof b === 'boolean' && typeof a === 'string') return String(b) === a.toLowerCase();
  return false;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string')
    return `the string "${value.length > 30 ? `${value.slice(0, 27)}...` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return typeof value;
  const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return isPlainObject(value)
    ? 'an object'
    : `a ${typeof constructorName === 'string' ? constructorName : 'value'}`;
}

function toNumber(value: unknown, op: string): number {
  if (typeof value === 'number') return value;
  if (numericString(value)) return Number(value);
  throw new ExpressionError(`"${op}" needs numbers, but got ${describeValue(value)}`);
}

function toBoolean(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new ExpressionError(`${what} needs true or false, but got ${describeValue(value)}`);
}

function compare(left: unknown, right: unknown, op: string): boolean {
  // JUEL: an ordering with null is simply false (an empty form field is neither more nor less than 1000).
  if (left === null || left === undefined || right === null || right === undefined) return false;
  let a: number | string;
  let b: number | string;
  if (typeof left === 'string' && typeof right === 'string') [a, b] = [left, right];
  else if (left instanceof Date && right instanceof Date) [a, b] = [left.getTime(), right.getTime()];
  else if (
    (typeof left === 'number' || numericString(left)) &&
    (typeof right === 'number' || numericString(right))
  ) {
    [a, b] = [Number(left), Number(right)];
  } else {
    throw new ExpressionError(
      `Cannot compare ${describeValue(left)} with ${describeValue(right)} using "${op}"`,
    );
  }
  if (op === '<') return a < b;
  if (op === '>') return a > b;
  if (op === '<=') return a <= b;
  return a >= b;
}

function arithmetic(op: string, left: unknown, right: unknown): unknown {
  if (op === '+') {
    const numeric = (v: unknown) => typeof v === 'number' || numericString(v);
    if (numeric(left) && numeric(right)) return Number(left) + Number(right);
    // Not JUEL (which only adds numbers), but what anyone writing 'No. ' + id means.
    const joinable = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
    if ((typeof left === 'string' || typeof right === 'string') && joinable(left) && joinable(right)) {
      return String(left) + String(right);
    }
  }
  const a = toNumber(left, op);
  const b = toNumber(right, op);
  if ((op === '/' || op === '%') && b === 0) throw new ExpressionError(`Division by zero in "${op}"`);
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  if (op === '/') return a / b;
  return a % b;
}

// ---------------------------------------------------------------- evaluation

interface Context {
  scope: Scope;
  fns: FunctionSet;
  holders: ReadonlySet<object> | undefined;
}

function describeNode(node: Node): string {
  if (node.type === 'variable') return node.name;
  if (node.type === 'member') {
    const object = describeNode(node.object);
    if (typeof node.key === 'string') return `${object}.${node.key}`;
    return `${object}[${node.key.type === 'literal' ? JSON.stringify(node.key.value) : '…'}]`;
  }
  if (node.type === 'call') return `${node.name}(…)`;
  return '(…)';
}

function readVariable(node: { name: string }, context: Context, lenient: boolean): unknown {
  const { name } = node;
  if (!FORBIDDEN_NAMES.has(name) && Object.hasOwn(context.scope, name)) {
    const value = context.scope[name];
    if (typeof value === 'function')
      throw new ExpressionError(`Variable "${name}" holds a function, which cannot be used`);
    return value;
  }
  if (lenient) return undefined;
  if (Object.hasOwn(context.fns, name))
    throw new ExpressionError(`"${name}" is a function: call it as ${name}(…)`);
  throw new ExpressionError(`Unknown variable "${name}"`);
}

function readMember(object: unknown, key: unknown, node: Node, context: Context, lenient: boolean): unknown {
  const path = describeNode(node);
  if (typeof key !== 'string' && typeof key !== 'number') {
    throw new ExpressionError(`Cannot use ${describeValue(key)} as a property name in ${path}`);
  }
  const name = String(key);
  if (FORBIDDEN_NAMES.has(name)) throw new ExpressionError(`Reading "${name}" is not allowed (in ${path})`);
  if (object === null || object === undefined) {
    if (lenient) return undefined;
    throw new ExpressionError(`Cannot read "${name}" of ${String(object)} (in ${path})`);
  }
  if (Array.isArray(object) || typeof object === 'string') {
    if (name === 'length') return object.length;
    if (!/^\d+$/.test(name))
      throw new ExpressionError(
        `A ${Array.isArray(object) ? 'list' : 'string'} has only numeric positions and length, not "${name}" (in ${path})`,
      );
    const value: unknown = object[Number(name)];
    if (typeof value === 'function') throw new ExpressionError(`${path} is a function, which cannot be used`);
    return value;
  }
  if (!isPlainObject(object)) {
    throw new ExpressionError(
      `Cannot read "${name}" of ${describeValue(object)}: only plain objects and lists can be read (in ${path})`,
    );
  }
  // Own properties only: nothing is reachable through the prototype chain.
  if (!Object.hasOwn(object, name)) return undefined;
  const value = object[name];
  if (typeof value === 'function' && !context.holders?.has(object)) {
    throw new ExpressionError(`${path} is a function, which cannot be used`);
  }
  return value;
}

function callFunction(node: { name: string; args: Node[] }, context: Context): unknown {
  const fn = Object.hasOwn(context.fns, node.name) ? context.fns[node.name] : undefined;
  if (typeof fn !== 'function') {
    const names = Object.keys(context.fns);
    const available = names.length > 0 ? `available: ${names.join(', ')}` : 'no functions are available here';
    throw new ExpressionError(`Unknown function "${node.name}" (${available})`);
  }
  const args = node.args.map((arg) => evaluateNode(arg, context, false));
  let result: unknown;
  try {
    result = fn(...args);
  } catch (error) {
    if (error instanceof ExpressionError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExpressionError(`${node.name}(…) failed: ${reason}`, undefined, { cause: error });
  }
  if (typeof result === 'function')
    throw new ExpressionError(`${node.name}(…) returned a function, which cannot be used`);
  return result;
}

function evaluateNode(node: Node, context: Context, lenient: boolean): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'variable':
      return readVariable(node, context, lenient);
    case 'member': {
      const object = evaluateNode(node.object, context, lenient);
      const key = typeof node.key === 'string' ? node.key : evaluateNode(node.key, context, false);
      return readMember(object, key, node, context, lenient);
    }
    case 'call':
      return callFunction(node, context);
    case 'unary': {
      if (node.op === 'empty') return isEmptyValue(evaluateNode(node.operand, context, true));
      const value = evaluateNode(node.operand, context, lenient);
      return node.op === '!' ? !toBoolean(value, '"!" (not)') : -toNumber(value, '-');
    }
    case 'conditional': {
      const test = toBoolean(evaluateNode(node.test, context, false), 'The condition before "?"');
      return evaluateNode(test ? node.then : node.otherwise, context, lenient);
    }
    case 'binary':
      return evaluateBinary(node, context);
  }
}

function evaluateBinary(node: { op: string; left: Node; right: Node }, context: Context): unknown {
  const { op, left, right } = node;
  if (op === '&&' || op === '||') {
    const what = `"${op}"`;
    const first = toBoolean(evaluateNode(left, context, false), what);
    if (op === '&&' ? !first : first) return first;
    return toBoolean(evaluateNode(right, context, false), what);
  }
  if (op === '==' || op === '!=') {
    const isNull = (side: Node) => side.type === 'literal' && side.value === null;
    const a = evaluateNode(left, context, isNull(right));
    const b = evaluateNode(right, context, isNull(left));
    return looseEquals(a, b) === (op === '==');
  }
  const a = evaluateNode(left, context, false);
  const b = evaluateNode(right, context, false);
  if (op === '<' || op === '>' || op === '<=' || op === '>=') return compare(a, b, op);
  return arithmetic(op, a, b);
}

// ---------------------------------------------------------------- public API

/** Evaluates the text inside `${…}` against a scope. Only functions in `fns` can be called (none by default). */
export function evaluate(
  source: string,
  scope: Scope,
  fns: FunctionSet = {},
  options: EvaluateOptions = {},
): unknown {
  const node = parse(source);
  try {
    return evaluateNode(node, { scope, fns, holders: options.functionHolders }, false);
  } catch (error) {
    // Name the expression, so that an incident on a gateway says which condition failed.
    if (error instanceof ExpressionError) {
      throw new ExpressionError(`${error.message} in \${${source.trim()}}`, undefined, {
        cause: error.cause ?? error,
      });
    }
    throw error;
  }
}

/** A syntax error message for an expression, or undefined if it parses (and, given names, only calls those). */
export function parseCheck(source: string, functionNames?: readonly string[]): string | undefined {
  try {
    const node = parse(source);
    if (functionNames) {
      const unknown = calledNames(node).find((name) => !functionNames.includes(name));
      if (unknown !== undefined)
        return `Unknown function "${unknown}" (available: ${functionNames.join(', ') || 'none'})`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
}

function calledNames(node: Node): string[] {
  switch (node.type) {
    case 'literal':
    case 'variable':
      return [];
    case 'member':
      return [...calledNames(node.object), ...(typeof node.key === 'string' ? [] : calledNames(node.key))];
    case 'call':
      return [node.name, ...node.args.flatMap(calledNames)];
    case 'unary':
      return calledNames(node.operand);
    case 'binary':
      return [...calledNames(node.left), ...calledNames(node.right)];
    case 'conditional':
      return [node.test, node.then, node.otherwise].flatMap(calledNames);
  }
}

// ---------------------------------------------------------------- templates

type TemplatePart = { text: string } | { expression: string; position: number };

/** Splits text into literal parts and `${…}` expressions; a `}` inside a quoted string does not close one. */
export function splitTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (;;) {
    const open = template.indexOf('${', cursor);
    if (open < 0) break;
    if (open > cursor) parts.push({ text: template.slice(cursor, open) });
    let i = open + 2;
    let quote: string | undefined;
    for (; i < template.length; i += 1) {
      const char = template[i];
      if (quote) {
        if (char === '\\') i += 1;
        else if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') quote = char;
      else if (char === '}') break;
    }
    if (i >= template.length)
      throw new ExpressionError(`"\${" at position ${open + 1} is never closed with "}"`, open);
    parts.push({ expression: template.slice(open + 2, i), position: open + 2 });
    cursor = i + 1;
  }
  if (cursor < template.length) parts.push({ text: template.slice(cursor) });
  return parts;
}

function interpolate(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Resolves a template: exactly one `${…}` gives the typed value (a number stays a number); `${…}` mixed with text
 * gives a string; text without `${` comes back unchanged.
 */
export function resolveTemplate(
  template: string,
  scope: Scope,
  fns: FunctionSet = {},
  options: EvaluateOptions = {},
): unknown {
  if (!template.includes('${')) return template;
  const parts = splitTemplate(template);
  const only = parts[0];
  if (parts.length === 1 && only && 'expression' in only)
    return evaluate(only.expression, scope, fns, options);
  return parts
    .map((part) => ('text' in part ? part.text : interpolate(evaluate(part.expression, scope, fns, options))))
    .join('');
}

/** Problems with a template's expressions (deploy-time validation), or undefined when all of them parse. */
export function checkTemplate(template: string, functionNames?: readonly string[]): string | undefined {
  try {
    for (const part of splitTemplate(template)) {
      if (!('expression' in part)) continue;
      const problem = parseCheck(part.expression, functionNames);
      if (problem !== undefined) return `in \${${part.expression}}: ${problem}`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
}
