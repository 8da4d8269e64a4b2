// The repair request process (物业报修): a resident reports something broken in their room (or a grid worker /
// property staff a public area), it is dispatched to a technician on duty, accepted, fixed (or sent back),
// then confirmed and rated by the reporter. Each repair is one workflow case; its timeline is
// GET /instances/:instanceId/timeline.
import { z } from 'zod';
import { Id, Paging } from './common.js';

const Text = (max: number) => z.string().trim().min(1, 'is required').max(max);

export const REPAIR_CATEGORY_NAMES = {
  water: '水',
  electricity: '电',
  door: '门窗',
  lift: '电梯',
  public_area: '公共区域',
  gas: '燃气',
  heating: '暖气',
  network: '网络',
  other: '其他',
} as const;
export const RepairCategory = z.enum([
  'water',
  'electricity',
  'door',
  'lift',
  'public_area',
  'gas',
  'heating',
  'network',
  'other',
]);
export type RepairCategory = z.infer<typeof RepairCategory>;

export const RepairStatus = z.enum([
  'dispatching',
  'dispatched',
  'accepted',
  'waiting_parts',
  'referred',
  'fixed',
  'reviewing',
  'closed',
]);
export type RepairStatus = z.infer<typeof RepairStatus>;

const Photos = z.array(Id).max(9, 'at most 9 photos');

export const CreateRepair = z
  .strictObject({
    /** a room the reporter is bound to (residents), or any room of the staff member's area (phone-in) */
    roomId: Id.optional(),
    /** a public-area repair of a compound (grid workers, property staff) */
    compoundId: Id.optional(),
    /** where in the compound, for a public-area repair (e.g. 3号楼东侧路灯) */
    spot: Text(200).optional(),
    category: RepairCategory,
    description: Text(1000),
    photoFileIds: Photos.default([]),
    voiceFileId: Id.optional(),
    preferredFrom: z.iso.datetime({ offset: true }).optional(),
    preferredTo: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((v) => !!v.roomId !== !!v.compoundId, {
    message: 'name either the room (roomId) or, for a public area, the compound (compoundId)',
    path: ['roomId'],
  })
  .refine((v) => !v.preferredFrom || !v.preferredTo || v.preferredFrom <= v.preferredTo, {
    message: 'must not be before preferredFrom',
    path: ['preferredTo'],
  });
export type CreateRepair = z.infer<typeof CreateRepair>;

export const RepairMaterial = z.strictObject({
  name: Text(100),
  quantity: z.number().positive().max(10000),
  unit: z.string().trim().max(10).nullable().default(null),
  /** yuan, for the whole quantity */
  cost: z.number().min(0).max(100000),
});
export type RepairMaterial = z.infer<typeof RepairMaterial>;

export const DispatchRepair = z.strictObject({
  technicianId: Id,
  comment: z.string().trim().max(500).optional(),
});

export const AcceptRepair = z.strictObject({
  decision: z.enum(['accept', 'decline']).default('accept'),
  /** required when declining */
  comment: z.string().trim().max(500).optional(),
});

export const FixRepair = z.strictObject({
  note: Text(1000),
  afterPhotoFileIds: z.array(Id).min(1, 'at least one photo of the fixed result').max(9, 'at most 9 photos'),
  materials: z.array(RepairMaterial).max(50).default([]),
});

export const SendBackRepair = z.strictObject({
  reason: z.enum(['needs_parts', 'not_ours']),
  comment: Text(500),
});

export const ResumeRepair = z.strictObject({ comment: z.string().trim().max(500).optional() });

export const CommunityDecision = z.strictObject({
  /** resolved: the community handled or referred it; back_to_property: it is the property's after all */
  decision: z.enum(['resolved', 'back_to_property']),
  comment: Text(500),
});

export const ConfirmRepair = z.strictObject({
  rating: z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
  comment: z.string().trim().max(500).optional(),
});

export const ReviewRepair = z.strictObject({
  decision: z.enum(['reopen', 'close']),
  note: Text(500),
});

export const Repair = z.object({
  id: Id,
  number: z.string(),
  instanceId: Id.nullable(),
  communityId: Id,
  compoundId: Id.nullable(),
  roomId: Id.nullable(),
  location: z.string(),
  category: RepairCategory,
  categoryName: z.string(),
  description: z.string(),
  photoFileIds: z.array(Id),
  voiceFileId: Id.nullable(),
  preferredFrom: z.string().nullable(),
  preferredTo: z.string().nullable(),
  source: z.enum(['resident', 'staff', 'event']),
  eventId: Id.nullable(),
  reporter: z.object({ id: Id, name: z.string() }),
  status: RepairStatus,
  technician: z.object({ id: Id, name: z.string() }).nullable(),
  dispatchMode: z.enum(['auto', 'manual']).nullable(),
  dispatchedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  sendBackReason: z.enum(['needs_parts', 'not_ours']).nullable(),
  sendBackNote: z.string().nullable(),
  fixNote: z.string().nullable(),
  afterPhotoFileIds: z.array(Id),
  materials: z.array(
    z.object({ name: z.string(), quantity: z.number(), unit: z.string().nullable(), cost: z.number() }),
  ),
  materialsCost: z.number(),
  fixedAt: z.string().nullable(),
  rating: z.number().int().nullable(),
  ratingComment: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  autoConfirmed: z.boolean(),
  reviewNote: z.string().nullable(),
  closedAs: z.enum(['confirmed', 'auto_confirmed', 'review_closed', 'community']).nullable(),
  closedAt: z.string().nullable(),
  reopenCount: z.number().int(),
  /** the step the case waits at now, and who must act (ids) */
  openTasks: z.array(
    z.object({
      id: Id,
      activityId: z.string(),
      name: z.string().nullable(),
      assignee: z.string().nullable(),
      candidateGroups: z.array(z.string()),
      dueAt: z.string().nullable(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Repair = z.infer<typeof Repair>;

export const RepairQuery = z.strictObject({
  ...Paging,
  status: RepairStatus.optional(),
  category: RepairCategory.optional(),
  compoundId: Id.optional(),
  /** mine: repairs I reported; assigned: my jobs as a technician; (default) all I may see */
  view: z.enum(['all', 'mine', 'assigned']).default('all'),
});

export const DutyEntry = z.object({
  id: Id,
  technician: z.object({ id: Id, name: z.string() }),
  propertyCompanyId: Id,
  communityId: Id,
  compoundIds: z.array(Id),
  categories: z.array(RepairCategory),
  onDuty: z.boolean(),
  /** repairs dispatched to the technician and not yet fixed */
  openJobs: z.number().int(),
  updatedAt: z.string(),
});
export type DutyEntry = z.infer<typeof DutyEntry>;

export const DutyQuery = z.strictObject({ ...Paging, communityId: Id.optional() });

export const PutDutyEntry = z.strictObject({
  technicianId: Id,
  communityId: Id,
  compoundIds: z.array(Id).max(100).default([]),
  categories: z.array(RepairCategory).max(20).default([]),
  onDuty: z.boolean().default(true),
});

export const PatchDutyEntry = z.strictObject({
  compoundIds: z.array(Id).max(100).optional(),
  categories: z.array(RepairCategory).max(20).optional(),
  onDuty: z.boolean().optional(),
});
