// The shapes a process definition takes before it runs: what parsing reads out of the XML, what validation
// reports, and what a diff between two versions lists.

export type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

export interface TimerInfo {
  kind: TimerKind;
  /** The text as modelled: an ISO 8601 value or a `${…}` expression. */
  value: string;
}

/** One `camunda:inputParameter` / `camunda:outputParameter`. */
export interface IoParameter {
  name: string;
  /** text: `value` is the body (may hold `${…}`); list/map: `value` is absent; script: refused by validation. */
  kind: 'text' | 'list' | 'map' | 'script';
  value?: string;
}

/** The field types a user task's form (`camunda:formData`) may use: Camunda 7's built-in ones. */
export const FORM_FIELD_TYPES = ['string', 'long', 'boolean', 'date', 'enum'] as const;
export type FormFieldKind = (typeof FORM_FIELD_TYPES)[number];

/** One `camunda:formField` of a user task: what the step asks for, as the admin modelled it. */
export interface FormFieldInfo {
  id: string;
  label?: string;
  /** as written; validation refuses anything outside FORM_FIELD_TYPES */
  type: string;
  defaultValue?: string;
  /** enum fields: the choices (`camunda:value` id and name) */
  values?: { id: string; name: string }[];
  /** `camunda:constraint`s: required, readonly, minlength, maxlength, min, max */
  constraints: { name: string; config?: string }[];
}

/** Where a service task's handler name came from. */
export type HandlerSource = 'topic' | 'expression' | 'delegateExpression' | 'implementation';

/**
 * One flow element (nested sub-process contents included, with `parentId`). Fields beyond the first block are set
 * only where they apply to the element's type.
 */
export interface ElementInfo {
  id: string;
  /** The moddle type, e.g. `bpmn:UserTask`. */
  type: string;
  name?: string;
  /** The embedded sub-process that holds this element; absent at process level. */
  parentId?: string;
  /** Every attribute written on the element except id and name, keyed as in the XML (`camunda:assignee`, `default`). */
  attrs: Readonly<Record<string, string>>;

  /** Flow nodes: ids of the sequence flows in and out, recomputed from the flows' own source and target. */
  incoming?: string[];
  outgoing?: string[];

  /** Sequence flows. */
  sourceRef?: string;
  targetRef?: string;
  condition?: string;
  /** Set when the condition names a language (a script), which validation refuses. */
  conditionLanguage?: string;
  /** True when the source gateway or activity names this flow as its default. */
  isDefault?: boolean;

  /** User tasks (Camunda 7 attributes). Candidate lists are split on commas outside `${…}`. */
  assignee?: string;
  candidateUsers?: string[];
  candidateGroups?: string[];
  dueDate?: string;
  followUpDate?: string;
  priority?: string;
  formKey?: string;
  /** `camunda:formData`: the fields the step asks for (a generated task form) */
  form?: FormFieldInfo[];

  /** Any flow node: `camunda:inputOutput`. */
  inputParameters?: IoParameter[];
  outputParameters?: IoParameter[];
  /** Types of the other extension elements (`camunda:ExecutionListener` …), so validation can refuse what we ignore. */
  extensions?: string[];
  /** Activities with loop characteristics. */
  loop?: 'standard' | 'parallel' | 'sequential';

  /** Service tasks. */
  handler?: string;
  handlerSource?: HandlerSource;

  /** Events: the event definition types, e.g. `bpmn:TimerEventDefinition` (empty for a none event). */
  eventDefinitions?: string[];
  timer?: TimerInfo;
  messageName?: string;
  errorCode?: string;

  /** Boundary events. */
  attachedToRef?: string;
  cancelActivity?: boolean;
}

export interface ParsedDefinition {
  processId: string;
  name?: string;
  /** The XML exactly as given. */
  xml: string;
  /** sha256 (hex) of the XML with line endings and trailing whitespace normalised. */
  hash: string;
  /** Flow elements in document order, sub-process contents after their sub-process. */
  elements: ElementInfo[];
  /** `camunda:candidateStarterGroups` / `camunda:candidateStarterUsers`: who may start a case (unset: anyone
   * whom the server's policy lets start cases) */
  candidateStarterGroups?: string[];
  candidateStarterUsers?: string[];
}

export interface Problem {
  elementId?: string;
  /** Stable rule id: `xml`, `bpmn`, `single-process`, `bpmnlint/<rule>`, `service-task-handler` … */
  rule: string;
  message: string;
}

export interface ValidationContext {
  /** Handler names registered with the runtime. */
  handlers: ReadonlySet<string>;
  /** Checks the source inside one `${…}`; returns a message when it is invalid. */
  checkExpression?: (src: string) => string | undefined;
  /** Checks a literal timer value; replaces the built-in ISO 8601 check when given. */
  checkTimer?: (kind: TimerKind, value: string) => { ok: true } | { ok: false; message: string };
}

export type ValidationResult =
  | { ok: true; definition: ParsedDefinition; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

export interface ElementSummary {
  id: string;
  type: string;
  name?: string;
}

export interface FieldChange {
  field: string;
  from?: string;
  to?: string;
}

export interface DefinitionDiff {
  added: ElementSummary[];
  removed: ElementSummary[];
  changed: { id: string; type: string; changes: FieldChange[] }[];
}
