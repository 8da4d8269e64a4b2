// An item's application form and materials: checking a submission against them, and sealing the personal
// fields (ID numbers, phones: stored encrypted, shown masked, never logged).
import { isValidIdNumber } from '@linli/contracts';
import { maskIdNumber, maskPhone } from '../../domain/pii.js';
import { validationFailed } from '../../http/errors.js';
import type { Vault } from '../../lib/crypto.js';
import type { ItemFormField, ItemMaterial } from './schema.js';

export type FormValues = Record<string, string | number>;
export interface Problem {
  path: string;
  message: string;
}

const PERSONAL = new Set(['idNumber', 'phone']);

/** Normalised value of one field, or a problem. */
function checkField(f: ItemFormField, raw: string | number): { value?: string | number; problem?: string } {
  const text = typeof raw === 'string' ? raw.trim() : String(raw);
  switch (f.type) {
    case 'text':
      return text.length > 500 ? { problem: 'is longer than 500 characters' } : { value: text };
    case 'number': {
      const n = typeof raw === 'number' ? raw : Number(text);
      return Number.isFinite(n) && text !== '' ? { value: n } : { problem: 'must be a number' };
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
        ? { value: text }
        : { problem: 'must be a date as YYYY-MM-DD' };
    case 'select':
      return f.options?.includes(text)
        ? { value: text }
        : { problem: `must be one of ${(f.options ?? []).map((o) => `"${o}"`).join(', ')}` };
    case 'idNumber': {
      const id = text.toUpperCase();
      return isValidIdNumber(id)
        ? { value: id }
        : { problem: 'is not a valid 18-character resident ID number' };
    }
    case 'phone':
      return /^1[3-9]\d{9}$/.test(text)
        ? { value: text }
        : { problem: 'must be an 11-digit mainland mobile number' };
  }
}

/**
 * Checks form values against the item's fields: unknown keys, missing required fields and bad values are
 * all reported at once. `partial`: only the given keys are checked (a supplement); required fields are
 * checked on the merged form by the caller.
 */
export function checkForm(fields: ItemFormField[], values: FormValues, problems: Problem[]): FormValues {
  const out: FormValues = {};
  for (const key of Object.keys(values)) {
    if (!fields.some((f) => f.key === key))
      problems.push({ path: `form.${key}`, message: 'is not a field of this item' });
  }
  for (const f of fields) {
    const raw = values[f.key];
    if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) continue;
    const { value, problem } = checkField(f, raw);
    if (problem) problems.push({ path: `form.${f.key}`, message: `${f.label} ${problem}` });
    else out[f.key] = value!;
  }
  return out;
}

export function requireFields(
  fields: ItemFormField[],
  present: (key: string) => boolean,
  problems: Problem[],
) {
  for (const f of fields) {
    if (f.required && !present(f.key))
      problems.push({ path: `form.${f.key}`, message: `${f.label} is required` });
  }
}

export function checkMaterials(
  materials: ItemMaterial[],
  given: { name: string; fileIds: string[] }[],
  problems: Problem[],
  requireAll: boolean,
) {
  for (const [i, m] of given.entries()) {
    if (!materials.some((x) => x.name === m.name))
      problems.push({ path: `materials.${i}.name`, message: `"${m.name}" is not a material of this item` });
  }
  if (!requireAll) return;
  for (const m of materials) {
    if (m.required && !given.some((g) => g.name === m.name && g.fileIds.length > 0))
      problems.push({ path: 'materials', message: `the material "${m.name}" is required` });
  }
}

export function throwProblems(problems: Problem[]): void {
  if (problems.length)
    throw validationFailed(problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
}

/** Splits checked values into what is stored readable (personal values masked) and the sealed originals. */
export function sealForm(
  vault: Vault,
  fields: ItemFormField[],
  values: FormValues,
): { form: Record<string, unknown>; sealed: Record<string, string> } {
  const form: Record<string, unknown> = {};
  const sealed: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const f = fields.find((x) => x.key === key);
    if (f && PERSONAL.has(f.type)) {
      const text = String(value);
      sealed[key] = vault.encrypt(text);
      form[key] = f.type === 'idNumber' ? maskIdNumber(text) : maskPhone(text);
    } else form[key] = value;
  }
  return { form, sealed };
}
