// A typed adapter over bpmnlint (CommonJS, untyped at runtime): lint a moddle tree with `bpmnlint:recommended`,
// each rule at the level that config gives it. Rules are resolved statically, so nothing is looked up on disk per
// lint and no `.bpmnlintrc` can change what a deploy accepts.
import { createRequire } from 'node:module';
import { idOf, ref, refs, type ModdleElement } from './moddle.js';

// bpmnlint is CommonJS and requires min-dash 5, which is ESM only: fine in Node >= 20.19 (require(esm)); Jest
// before Node 24.9 cannot, so workflows/jest.config.js maps min-dash to its CommonJS build for tests.
const require = createRequire(import.meta.url);

export type LintLevel = 'error' | 'warn';

export interface LintReport {
  /** `bpmnlint/<rule>` */
  rule: string;
  level: LintLevel;
  elementId?: string;
  message: string;
}

interface RawReport {
  id?: string;
  message: string;
  category: string;
}

interface BpmnlintLinter {
  lint(root: ModdleElement): Promise<Record<string, RawReport[]>>;
}

type LinterCtor = new (options: { resolver: unknown; config: { extends: string } }) => BpmnlintLinter;
type ResolverCtor = new (cache: Record<string, unknown>) => unknown;

interface Loaded {
  Linter: LinterCtor;
  resolver: unknown;
  levels: Record<string, LintLevel>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const { Linter } = require('bpmnlint') as { Linter: LinterCtor };
  const StaticResolver = require('bpmnlint/lib/resolver/static-resolver') as ResolverCtor;
  const recommended = require('bpmnlint/config/recommended') as { rules: Record<string, string> };
  const cache: Record<string, unknown> = { 'config:bpmnlint/recommended': recommended };
  const levels: Record<string, LintLevel> = {};
  for (const [name, level] of Object.entries(recommended.rules)) {
    cache[`rule:bpmnlint/${name}`] = require(`bpmnlint/rules/${name}`) as unknown;
    if (level === 'error' || level === 'warn') levels[name] = level;
  }
  loaded = { Linter, resolver: new StaticResolver(cache), levels };
  return loaded;
}

/** The level each `bpmnlint:recommended` rule reports at: errors fail a deploy, warnings do not. */
export function lintRuleLevels(): Readonly<Record<string, LintLevel>> {
  return load().levels;
}

/**
 * bpmnlint's flow rules read `<bpmn:incoming>`/`<bpmn:outgoing>`, which are redundant in the XML and missing
 * from files some tools write; rebuild them from the flows so that such files lint like modeler output.
 */
function relinkFlowNodes(container: ModdleElement): void {
  const flowElements = refs(container, 'flowElements');
  const incoming = new Map<ModdleElement, ModdleElement[]>();
  const outgoing = new Map<ModdleElement, ModdleElement[]>();
  for (const flow of flowElements) {
    if (flow.$type !== 'bpmn:SequenceFlow') continue;
    const source = ref(flow, 'sourceRef');
    const target = ref(flow, 'targetRef');
    if (source) outgoing.set(source, [...(outgoing.get(source) ?? []), flow]);
    if (target) incoming.set(target, [...(incoming.get(target) ?? []), flow]);
  }
  for (const el of flowElements) {
    if (!el.$instanceOf('bpmn:FlowNode')) continue;
    el.set('incoming', incoming.get(el) ?? []);
    el.set('outgoing', outgoing.get(el) ?? []);
    if (el.$instanceOf('bpmn:SubProcess')) relinkFlowNodes(el);
  }
}

export async function lintDefinitions(definitions: ModdleElement): Promise<LintReport[]> {
  const { Linter, resolver } = load();
  for (const root of refs(definitions, 'rootElements')) {
    if (root.$type === 'bpmn:Process') relinkFlowNodes(root);
  }
  // A new Linter per lint: it caches rule instances, and some rules (no-duplicate-sequence-flows) keep state in
  // their closure, so a shared one reports flows of earlier files as duplicates.
  const linter = new Linter({ resolver, config: { extends: 'bpmnlint:recommended' } });
  const results = await linter.lint(definitions);
  return Object.entries(results).flatMap(([name, reports]) =>
    reports.map((report) => ({
      rule: `bpmnlint/${name}`,
      // 'rule-error' (a rule crashed) fails closed: better a refused deploy than an unchecked one.
      level: report.category === 'warn' || report.category === 'info' ? 'warn' : 'error',
      ...(report.id && report.id !== idOf(definitions) ? { elementId: report.id } : {}),
      message: report.message,
    })),
  );
}
