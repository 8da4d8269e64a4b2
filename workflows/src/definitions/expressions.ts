// Finding `${…}` expressions inside attribute text. The runtime's expression language is checked by the caller
// (ValidationContext.checkExpression); this only finds where each expression starts and ends, so that a comma or a
// brace inside `${…}` (or inside a quoted string there) is not mistaken for a separator or the end.

export interface ExpressionScan {
  /** The source inside each well-formed `${…}`, in order. */
  expressions: string[];
  /** Why the text is malformed: an unclosed `${` or an empty `${}`. */
  errors: string[];
}

/** Index of the `}` closing the `${` whose body starts at `from`, or -1. */
function findClose(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

export function scanExpressions(text: string): ExpressionScan {
  const expressions: string[] = [];
  const errors: string[] = [];
  let at = text.indexOf('${');
  while (at !== -1) {
    const close = findClose(text, at + 2);
    if (close === -1) {
      errors.push(`"${text.slice(at)}" is never closed with "}"`);
      break;
    }
    const body = text.slice(at + 2, close).trim();
    if (body === '') errors.push('"${}" is empty');
    else expressions.push(body);
    at = text.indexOf('${', close + 1);
  }
  return { expressions, errors };
}

export function hasExpression(text: string): boolean {
  return text.includes('${');
}

/** Splits a Camunda comma-separated list (`a, ${b('x,y')}, c`) on the commas outside expressions. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('${', i)) {
      const close = findClose(text, i + 2);
      // An unclosed expression swallows the rest; validation reports it.
      i = close === -1 ? text.length : close + 1;
      continue;
    }
    if (text[i] === ',') {
      items.push(text.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  items.push(text.slice(start));
  return items.map((item) => item.trim()).filter((item) => item !== '');
}
