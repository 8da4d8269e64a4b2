// Task attributes from the diagram (Camunda 7 style) resolved against the instance's variables.
import { addDuration, parseDate, parseDuration } from './time/index.js';

export type Resolver = (template: string, scope: Record<string, unknown>) => unknown;

/** `camunda:assignee`, `candidateUsers`, `candidateGroups`: comma lists whose items may be expressions yielding lists. */
export function resolveAssignment(resolve: Resolver, raw: unknown, scope: Record<string, unknown>): string[] {
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  const items = raw.includes('${') ? splitOutsideExpressions(raw) : raw.split(',');
  const out: string[] = [];
  for (const item of items) {
    const value = resolve(item.trim(), scope);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values)
      if (v !== undefined && v !== null && String(v).trim() !== '') out.push(String(v).trim());
  }
  return [...new Set(out)];
}

function splitOutsideExpressions(raw: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '$' && raw[i + 1] === '{') depth++;
    if (c === '}' && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** `camunda:dueDate` / `followUpDate`: an ISO date, an ISO duration from now, or an expression giving either. */
export function resolveDate(
  resolve: Resolver,
  raw: unknown,
  scope: Record<string, unknown>,
  now: Date,
): Date | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const value = resolve(raw.trim(), scope);
  if (value instanceof Date) return value;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  // a duration counts from the task's creation (P3D, or ${workingDays(3)} which yields one)
  return text.startsWith('P') ? addDuration(now, parseDuration(text)) : parseDate(text);
}
