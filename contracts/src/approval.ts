// Approvals and proxy applications (审批 · 事项代办): the catalogue of items a community or street offers
// (事项清单), applications submitted online or at the window (窗口办件), and the steps of a case: pre-review
// (预审) with supplements (补正), accept (受理), handle (承办), review (审核), conclude (办结), rating, the
// supervision list (督办) and the office's statistics.
import { z } from 'zod';
import { Id, Paging } from './common.js';
import { RoleName } from './auth.js';

// ------------------------------------------------------------------------------------------ the catalogue

export const FORM_FIELD_TYPES = ['text', 'number', 'date', 'select', 'idNumber', 'phone'] as const;
export const FormFieldType = z.enum(FORM_FIELD_TYPES);
export type FormFieldType = z.infer<typeof FormFieldType>;

/** one field of an item's application form; idNumber and phone values are personal: stored encrypted, shown masked */
export const FormField = z
  .strictObject({
    /** the key the submission uses (letters, digits, underscore) */
    key: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'must start with a letter and use only letters, digits and _'),
    /** what the applicant reads (zh-CN) */
    label: z.string().trim().min(1).max(50),
    type: FormFieldType,
    required: z.boolean().default(false),
    /** the choices of a select field */
    options: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    /** a hint under the field */
    help: z.string().trim().max(200).optional(),
  })
  .refine((f) => f.type !== 'select' || (f.options?.length ?? 0) > 0, {
    message: 'a select field needs its options',
    path: ['options'],
  });
export type FormField = z.infer<typeof FormField>;

/** a material the applicant hands in (a scan or a photo of it) */
export const Material = z.strictObject({
  name: z.string().trim().min(1).max(60),
  required: z.boolean().default(true),
  /** what a good one looks like (原件/复印件, which pages, who signs) */
  example: z.string().trim().max(300).optional(),
});
export type Material = z.infer<typeof Material>;

const uniqueBy =
  <T>(key: (x: T) => string, what: string) =>
  (list: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(key(x))) ctx.addIssue({ code: 'custom', message: `${what} "${key(x)}" appears twice` });
      seen.add(key(x));
    }
  };

/** the roles that may work a step (candidate groups of the diagram's user tasks) */
const StepGroup = RoleName.refine((r) => r !== 'resident' && r !== 'volunteer', {
  message: 'must be a staff role',
});

export const ApprovalItemInput = z.strictObject({
  /** the community or street offering the item (default: the admin's own unit) */
  orgUnitId: Id.optional(),
  /** a short stable code, unique within the offering unit (e.g. residence-certificate) */
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and -')
    .optional(),
  name: z.string().trim().min(2).max(60),
  description: z.string().trim().max(2000).default(''),
  materials: z
    .array(Material)
    .max(30)
    .default([])
    .superRefine(uniqueBy((m) => m.name, 'material')),
  formFields: z
    .array(FormField)
    .max(40)
    .default([])
    .superRefine(uniqueBy((f) => f.key, 'form field')),
  /** the promised time limit (承诺时限) in working days, counted from submission, not counting supplements */
  timeLimitDays: z.number().int().min(1).max(120),
  /** who pre-reviews, accepts and concludes (the service window) */
  acceptGroup: StepGroup.default('community_admin'),
  /** the handling department (承办): a role, and optionally the org unit it sits in */
  handleGroup: StepGroup.default('grid_worker'),
  handlingOrgUnitId: Id.nullable().optional(),
  /** who reviews (审核) */
  reviewGroup: StepGroup.default('community_admin'),
  published: z.boolean().default(false),
});
export type ApprovalItemInput = z.infer<typeof ApprovalItemInput>;

export const ApprovalItemPatch = z
  .strictObject({
    name: z.string().trim().min(2).max(60),
    description: z.string().trim().max(2000),
    materials: z
      .array(Material)
      .max(30)
      .superRefine(uniqueBy((m) => m.name, 'material')),
    formFields: z
      .array(FormField)
      .max(40)
      .superRefine(uniqueBy((f) => f.key, 'form field')),
    timeLimitDays: z.number().int().min(1).max(120),
    acceptGroup: StepGroup,
    handleGroup: StepGroup,
    handlingOrgUnitId: Id.nullable(),
    reviewGroup: StepGroup,
    published: z.boolean(),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'change at least one field' });

export const ApprovalItem = z.object({
  id: Id,
  orgUnitId: Id,
  orgUnitName: z.string(),
  code: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  materials: z.array(Material),
  formFields: z.array(z.unknown()),
  timeLimitDays: z.number().int(),
  acceptGroup: z.string(),
  handleGroup: z.string(),
  handlingOrgUnitId: Id.nullable(),
  handlingOrgUnitName: z.string().nullable(),
  reviewGroup: z.string(),
  published: z.boolean(),
  updatedAt: z.string(),
});
export type ApprovalItem = z.infer<typeof ApprovalItem>;

export const ApprovalItemQuery = z.strictObject({
  ...Paging,
  published: z.enum(['true', 'false']).optional(),
  q: z.string().trim().max(50).optional(),
});

// ------------------------------------------------------------------------------------------ applications

export const MaterialFiles = z.strictObject({
  /** the material's name as the item lists it */
  name: z.string().trim().min(1).max(60),
  /** uploaded files (POST /files): scans as PDF or photos */
  fileIds: z.array(Id).min(1).max(20),
});

export const SubmitApproval = z.strictObject({
  itemId: Id,
  /** the form's values by field key */
  form: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  materials: z.array(MaterialFiles).max(30).default([]),
  /** 窗口办件: staff name the resident they enter the application for; residents leave it out */
  residentId: Id.optional(),
  comment: z.string().trim().max(500).optional(),
});
export type SubmitApproval = z.infer<typeof SubmitApproval>;

export const APPROVAL_STATES = [
  'pre_review', // 待预审
  'supplement', // 待补正（计时暂停）
  'accept', // 待受理
  'handle', // 承办中
  'review', // 待审核
  'conclude', // 待办结
  'approved', // 已办结（准予）
  'refused', // 已办结（不予批准）
  'cancelled', // 已撤销
] as const;
export const ApprovalState = z.enum(APPROVAL_STATES);
export type ApprovalState = z.infer<typeof ApprovalState>;

export const ApprovalQuery = z.strictObject({
  ...Paging,
  state: ApprovalState.optional(),
  itemId: Id.optional(),
});

export const PreReview = z
  .strictObject({
    outcome: z.enum(['complete', 'incomplete']),
    /** what is missing or wrong: material names and/or form field keys of the item */
    missing: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
    comment: z.string().trim().max(500).optional(),
  })
  .refine((b) => b.outcome === 'complete' || b.missing.length > 0, {
    message: 'say what the applicant must supplement',
    path: ['missing'],
  });

export const Supplement = z.strictObject({
  materials: z.array(MaterialFiles).max(30).default([]),
  form: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  comment: z.string().trim().max(500).optional(),
});

export const StepComment = z.strictObject({ comment: z.string().trim().max(500).optional() });

export const HandleStep = z.strictObject({
  /** the handler's proposal for the decision */
  opinion: z.enum(['approve', 'refuse']),
  comment: z.string().trim().min(1, 'write the handling opinion').max(1000),
  /** e.g. a home-visit record (入户调查表) */
  fileIds: z.array(Id).max(10).default([]),
});

export const ConcludeStep = z
  .strictObject({
    result: z.enum(['approved', 'refused']),
    /** the result document (证明, 批复, 证件照片) when approved */
    resultFileIds: z.array(Id).max(10).default([]),
    /** why, when refused (the applicant reads it) */
    reason: z.string().trim().max(500).optional(),
    comment: z.string().trim().max(500).optional(),
  })
  .refine((b) => b.result !== 'approved' || b.resultFileIds.length > 0, {
    message: 'an approval needs its result document',
    path: ['resultFileIds'],
  })
  .refine((b) => b.result !== 'refused' || (b.reason ?? '').length > 0, {
    message: 'a refusal needs its reason',
    path: ['reason'],
  });

export const ReturnStep = z.strictObject({ reason: z.string().trim().min(1, 'say why').max(500) });
export const UrgeApproval = z.strictObject({ message: z.string().trim().min(1).max(300) });
export const RateApproval = z.strictObject({
  score: z
    .number({ message: 'score must be a whole number from 1 to 5' })
    .int('score must be a whole number from 1 to 5')
    .min(1, 'score must be at least 1')
    .max(5, 'score must be at most 5'),
  comment: z.string().trim().max(500).optional(),
});

export const ApprovalSummary = z.object({
  id: Id,
  number: z.string(),
  itemId: Id,
  itemName: z.string(),
  instanceId: Id,
  applicantName: z.string(),
  channel: z.enum(['online', 'window']),
  state: ApprovalState,
  /** the open step's task, for whoever works it */
  taskId: Id.nullable(),
  submittedAt: z.string(),
  dueAt: z.string().nullable(),
  /** waiting for the applicant: the clock is stopped */
  paused: z.boolean(),
  warned: z.boolean(),
  overdue: z.boolean(),
  concludedAt: z.string().nullable(),
  rating: z.number().int().nullable(),
});
export type ApprovalSummary = z.infer<typeof ApprovalSummary>;

export const ApprovalDetail = ApprovalSummary.extend({
  timeLimitDays: z.number().int(),
  /** personal fields (ID numbers, phones) masked */
  form: z.record(z.string(), z.unknown()),
  materials: z.array(z.object({ name: z.string(), fileIds: z.array(Id) })),
  missing: z.array(z.string()),
  supplementCount: z.number().int(),
  warnAt: z.string().nullable(),
  /** working days used so far (without supplement waits) */
  usedWorkingDays: z.number(),
  registeredBy: z.object({ id: Id, name: z.string() }).nullable(),
  handler: z.object({ id: Id, name: z.string() }).nullable(),
  outcome: z.enum(['approved', 'refused']).nullable(),
  refusalReason: z.string().nullable(),
  resultFileIds: z.array(Id),
  onTime: z.boolean().nullable(),
  ratingComment: z.string().nullable(),
  urgeCount: z.number().int(),
  definitionVersion: z.number().int(),
});
export type ApprovalDetail = z.infer<typeof ApprovalDetail>;

export const SupervisionQuery = z.strictObject({
  ...Paging,
  /** overdue: past the time limit; warning: past 80% of it; both by default */
  view: z.enum(['overdue', 'warning', 'all']).default('all'),
});

export const SupervisionEntry = ApprovalSummary.extend({
  stepName: z.string().nullable(),
  holder: z.object({ id: Id, name: z.string() }).nullable(),
  candidateGroups: z.array(z.string()),
  /** working days past the time limit (0 when not yet overdue) */
  overdueWorkingDays: z.number().int(),
  urgeCount: z.number().int(),
  lastUrgedAt: z.string().nullable(),
});

export const StatsQuery = z.strictObject({
  /** submitted on or after (YYYY-MM-DD, China time) */
  from: z.iso.date().optional(),
  /** submitted on or before (YYYY-MM-DD, China time) */
  to: z.iso.date().optional(),
  orgUnitId: Id.optional(),
});

const Rate = z.number().nullable();
export const ApprovalStats = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  totals: z.object({
    cases: z.number().int(),
    concluded: z.number().int(),
    approved: z.number().int(),
    refused: z.number().int(),
    /** average working days from submission to conclusion, without supplement waits */
    avgWorkingDays: Rate,
    /** concluded within the time limit / concluded */
    onTimeRate: Rate,
    avgRating: Rate,
    ratings: z.number().int(),
    overdueOpen: z.number().int(),
  }),
  byItem: z.array(
    z.object({
      itemId: Id,
      itemName: z.string(),
      cases: z.number().int(),
      byState: z.record(z.string(), z.number().int()),
      avgWorkingDays: Rate,
      onTimeRate: Rate,
      avgRating: Rate,
    }),
  ),
  /** 绩效: per staff member, the steps they completed and how their cases went */
  byWorker: z.array(
    z.object({
      userId: Id,
      name: z.string(),
      steps: z.number().int(),
      cases: z.number().int(),
      concluded: z.number().int(),
      onTimeRate: Rate,
      avgRating: Rate,
    }),
  ),
});
export type ApprovalStats = z.infer<typeof ApprovalStats>;

/** staff who may (grid workers, community admins) read personal form values in full, with a reason; audited */
export const RevealApprovalFields = z.strictObject({
  /** form field keys of type idNumber or phone */
  fields: z.array(z.string().trim().min(1).max(40)).min(1).max(10),
  reason: z.string().trim().min(2, 'say why you need the full value').max(200),
});
export const RevealedApprovalFields = z.object({ values: z.record(z.string(), z.string()) });
