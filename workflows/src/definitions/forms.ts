// User-task forms (`camunda:formData`, Camunda 7's "generated task form"): the fields a step asks for, modelled in
// the diagram and so versioned with it. Two checks: the definition's (at deploy: types, ids, constraints the
// platform understands) and a completion's (the values given against the fields of the task's version).
import { elementLabel } from './labels.js';
import { FORM_FIELD_TYPES, type ElementInfo, type FormFieldInfo } from './types.js';

/** The `camunda:constraint` names the platform enforces (Camunda 7's built-in validators). */
export const FORM_CONSTRAINTS = ['required', 'readonly', 'minlength', 'maxlength', 'min', 'max'] as const;

const FIELD_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

type Report = (rule: string, message: string) => void;

function fieldLabel(f: FormFieldInfo): string {
  return f.label ? `form field "${f.id}" (${f.label})` : `form field "${f.id}"`;
}

function constraint(f: FormFieldInfo, name: string): string | undefined {
  return f.constraints.find((c) => c.name === name)?.config;
}

const has = (f: FormFieldInfo, name: string) => f.constraints.some((c) => c.name === name);

/** Deploy-time rules for the form of one element. */
export function checkFormDefinition(el: ElementInfo, report: Report): void {
  if (!el.form) return;
  const where = elementLabel(el);
  if (el.type !== 'bpmn:UserTask') {
    report(
      'unsupported-extension',
      `${where}: forms are supported on user tasks only (a case starts from its own screen, not a start form)`,
    );
    return;
  }
  const seen = new Set<string>();
  for (const f of el.form) {
    const label = fieldLabel(f);
    if (!FIELD_ID.test(f.id)) {
      report(
        'user-task-form',
        `${where}, ${label}: the id must be a variable name (letters, digits, _; not starting with a digit)`,
      );
    } else if (seen.has(f.id)) {
      report('user-task-form', `${where}: two form fields have the id "${f.id}"`);
    }
    seen.add(f.id);
    if (!(FORM_FIELD_TYPES as readonly string[]).includes(f.type)) {
      report(
        'user-task-form',
        `${where}, ${label}: type "${f.type}" is not supported; use ${FORM_FIELD_TYPES.join(', ')}`,
      );
      continue;
    }
    if (f.type === 'enum') {
      const ids = (f.values ?? []).map((v) => v.id);
      if (!ids.length) report('user-task-form', `${where}, ${label}: an enum field needs at least one value`);
      if (ids.some((id) => !id.trim()))
        report('user-task-form', `${where}, ${label}: every value needs an id`);
      if (new Set(ids).size !== ids.length)
        report('user-task-form', `${where}, ${label}: two values have the same id`);
    }
    for (const c of f.constraints) {
      if (!(FORM_CONSTRAINTS as readonly string[]).includes(c.name)) {
        report(
          'user-task-form',
          `${where}, ${label}: constraint "${c.name}" is not supported; use ${FORM_CONSTRAINTS.join(', ')}`,
        );
      } else if (c.name === 'minlength' || c.name === 'maxlength') {
        if (!c.config || !/^\d+$/.test(c.config))
          report('user-task-form', `${where}, ${label}: ${c.name} needs a whole number as its config`);
      } else if (c.name === 'min' || c.name === 'max') {
        if (!c.config || !NUMBER.test(c.config))
          report('user-task-form', `${where}, ${label}: ${c.name} needs a number as its config`);
      }
    }
    if (f.defaultValue !== undefined) {
      const problem = valueProblem(f, f.defaultValue, true);
      if (problem) report('user-task-form', `${where}, ${label}: the default value ${problem}`);
    }
  }
}

/** Why a value does not fit a field (undefined: it fits). `text`: the value came as text (a default). */
function valueProblem(f: FormFieldInfo, value: unknown, text = false): string | undefined {
  switch (f.type) {
    case 'string': {
      if (typeof value !== 'string') return 'must be text';
      const min = constraint(f, 'minlength');
      const max = constraint(f, 'maxlength');
      if (min && value.length < Number(min)) return `must be at least ${min} characters`;
      if (max && value.length > Number(max)) return `must be at most ${max} characters`;
      return undefined;
    }
    case 'long': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && INTEGER.test(value.trim())
            ? Number(value)
            : NaN;
      if (!Number.isSafeInteger(n)) return 'must be a whole number';
      const min = constraint(f, 'min');
      const max = constraint(f, 'max');
      if (min && n < Number(min)) return `must be at least ${min}`;
      if (max && n > Number(max)) return `must be at most ${max}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' || (text && (value === 'true' || value === 'false'))
        ? undefined
        : 'must be true or false';
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'must be a date (YYYY-MM-DD or an ISO 8601 date-time)';
    case 'enum': {
      const ids = (f.values ?? []).map((v) => v.id);
      return typeof value === 'string' && ids.includes(value)
        ? undefined
        : `must be one of ${ids.join(', ')}`;
    }
    default:
      return undefined;
  }
}

/** What is wrong with one field of a completion; `message` names the field (id and label). */
export interface FormProblem {
  field: string;
  message: string;
}

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * Checks what a completion gives against the task's form. Returns the variables with the form's values in
 * their types (a long given as "12" becomes 12) and the problems, each naming its field; variables the form
 * does not name pass through untouched (a process's own screens may set more).
 */
export function checkFormValues(
  form: readonly FormFieldInfo[],
  given: Readonly<Record<string, unknown>>,
): { variables: Record<string, unknown>; problems: FormProblem[] } {
  const variables: Record<string, unknown> = { ...given };
  const problems: FormProblem[] = [];
  const problem = (f: FormFieldInfo, what: string) =>
    problems.push({ field: f.id, message: `${fieldLabel(f)} ${what}` });
  for (const f of form) {
    const value = given[f.id];
    if (has(f, 'readonly')) {
      if (!empty(value)) problem(f, 'is read-only');
      delete variables[f.id];
      continue;
    }
    if (empty(value)) {
      if (has(f, 'required')) problem(f, 'is required');
      else delete variables[f.id];
      continue;
    }
    const wrong = valueProblem(f, value);
    if (wrong) {
      problem(f, wrong);
      continue;
    }
    if (f.type === 'long') variables[f.id] = Number(value);
    if (f.type === 'string') variables[f.id] = (value as string).trim();
  }
  return { variables, problems };
}
