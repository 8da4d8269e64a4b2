// What changed between two versions of a process, element by element (matched by id), for the admin's deploy
// preview and for deciding whether running instances can move to the new version.
import type { DefinitionDiff, ElementInfo, ElementSummary, FieldChange, ParsedDefinition } from './types.js';

// Covered by a derived field that reads the default when the attribute is absent.
const DERIVED_ATTRS = new Set(['cancelActivity']);

function summary(el: ElementInfo): ElementSummary {
  return { id: el.id, type: el.type, ...(el.name ? { name: el.name } : {}) };
}

/** Flattens an element into named text fields; connections are compared by the nodes they lead to. */
function fields(el: ElementInfo, byId: ReadonlyMap<string, ElementInfo>): Map<string, string> {
  const out = new Map<string, string>();
  const put = (field: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.set(field, value);
  };
  const ends = (flowIds: readonly string[] | undefined, end: 'sourceRef' | 'targetRef') =>
    flowIds
      ?.map((id) => byId.get(id)?.[end] ?? id)
      .sort()
      .join(', ');

  put('type', el.type);
  put('name', el.name);
  put('parentId', el.parentId);
  put('incoming', ends(el.incoming, 'sourceRef'));
  put('outgoing', ends(el.outgoing, 'targetRef'));
  put('condition', el.condition);
  put('conditionLanguage', el.conditionLanguage);
  put('eventDefinitions', el.eventDefinitions?.join(', '));
  put('timer', el.timer && `${el.timer.kind} ${el.timer.value}`);
  put('message', el.messageName);
  put('errorCode', el.errorCode);
  put('cancelActivity', el.cancelActivity === undefined ? undefined : String(el.cancelActivity));
  put('loop', el.loop);
  put('extensions', el.extensions?.join(', '));
  for (const param of el.inputParameters ?? []) put(`input ${param.name}`, param.value ?? `(${param.kind})`);
  for (const param of el.outputParameters ?? [])
    put(`output ${param.name}`, param.value ?? `(${param.kind})`);
  for (const f of el.form ?? []) {
    const parts = [f.type, f.label, f.values?.map((v) => `${v.id}=${v.name}`).join('/'), f.defaultValue];
    for (const c of f.constraints) parts.push(c.config === undefined ? c.name : `${c.name}=${c.config}`);
    put(`form field ${f.id}`, parts.filter(Boolean).join(' '));
  }
  for (const key of Object.keys(el.attrs).sort()) {
    if (!DERIVED_ATTRS.has(key)) put(key, el.attrs[key]);
  }
  return out;
}

function compare(a: Map<string, string>, b: Map<string, string>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    const from = a.get(field);
    const to = b.get(field);
    if (from !== to)
      changes.push({ field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  }
  return changes;
}

export function diffDefinitions(a: ParsedDefinition, b: ParsedDefinition): DefinitionDiff {
  const before = new Map(a.elements.map((el) => [el.id, el]));
  const after = new Map(b.elements.map((el) => [el.id, el]));
  const diff: DefinitionDiff = { added: [], removed: [], changed: [] };
  for (const el of a.elements) {
    const next = after.get(el.id);
    if (!next) {
      diff.removed.push(summary(el));
      continue;
    }
    const changes = compare(fields(el, before), fields(next, after));
    if (changes.length) diff.changed.push({ id: el.id, type: next.type, changes });
  }
  for (const el of b.elements) if (!before.has(el.id)) diff.added.push(summary(el));
  return diff;
}
