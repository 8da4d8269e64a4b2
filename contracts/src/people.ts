import { z } from 'zod';
import { Id, IdNumber, IsoDate, MobilePhone, Name, Paging, PlateNumber } from './common.js';

/** care and concern tags (关爱对象 / 重点人员) */
export const ResidentTag = z.enum([
  'elderly_living_alone',
  'elderly',
  'disabled',
  'low_income',
  'community_correction',
  'veteran',
  'party_member',
  'left_behind_child',
  'serious_illness',
  'key_person',
]);
export type ResidentTag = z.infer<typeof ResidentTag>;
export const Residency = z.enum(['registered', 'floating']);
export const Gender = z.enum(['male', 'female']);
export const ResidentStatus = z.enum(['active', 'moved_out', 'deceased']);

/** How a resident reads: ID number and phone are masked unless the reader is the resident themself. */
export const Resident = z.object({
  id: Id,
  communityId: Id,
  name: z.string(),
  gender: Gender.nullable(),
  birthDate: z.string().nullable(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  /** true when idNumber/phone above are masked */
  masked: z.boolean(),
  residency: Residency,
  tags: z.array(ResidentTag),
  status: ResidentStatus,
  notes: z.string().nullable().optional(),
  rooms: z.array(
    z.object({ roomId: Id, relation: z.string(), status: z.string(), standardAddress: z.string() }),
  ),
});
export type Resident = z.infer<typeof Resident>;

export const ResidentQuery = z.strictObject({
  ...Paging,
  communityId: Id.optional(),
  gridId: Id.optional(),
  roomId: Id.optional(),
  tag: ResidentTag.optional(),
  residency: Residency.optional(),
  status: ResidentStatus.optional(),
  q: z.string().trim().max(50).optional(),
  /** exact match on the full ID number (looked up by keyed hash) */
  idNumber: IdNumber.optional(),
  phone: MobilePhone.optional(),
});

export const CreateResident = z.strictObject({
  communityId: Id,
  name: Name,
  gender: Gender.optional(),
  birthDate: IsoDate.optional(),
  idNumber: IdNumber.optional(),
  phone: MobilePhone.optional(),
  residency: Residency.default('registered'),
  tags: z.array(ResidentTag).max(10).default([]),
  notes: z.string().max(1000).optional(),
  /** registers the resident in a room at once (a verified binding); needed by grid workers */
  roomId: Id.optional(),
  relation: z.enum(['owner', 'tenant', 'family']).optional(),
});
export const UpdateResident = z.strictObject({
  name: Name.optional(),
  gender: Gender.nullable().optional(),
  birthDate: IsoDate.nullable().optional(),
  idNumber: IdNumber.nullable().optional(),
  phone: MobilePhone.nullable().optional(),
  residency: Residency.optional(),
  tags: z.array(ResidentTag).max(10).optional(),
  status: ResidentStatus.optional(),
  notes: z.string().max(1000).nullable().optional(),
});
/** what a resident may change about themself */
export const UpdateSelf = UpdateResident.pick({ phone: true }).strict();

export const RevealRequest = z.strictObject({
  fields: z
    .array(z.enum(['idNumber', 'phone']))
    .min(1)
    .max(2),
  reason: z.string().trim().min(4, 'say why you need it (at least 4 characters)').max(200),
});
export const Revealed = z.object({
  idNumber: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
});

/** A grid worker's check-in (探访) on a resident, e.g. an elderly person living alone: a visit or a call. */
export const CheckInMethod = z.enum(['visit', 'phone', 'video']);
export const CreateCheckIn = z.strictObject({
  method: CheckInMethod,
  /** what the worker found (zh-CN), e.g. 身体状况良好 */
  note: z.string().trim().min(1, 'say what you found').max(500),
  /** when it happened; defaults to now; never in the future */
  at: z.iso.datetime({ offset: true }).optional(),
  /** something needs follow-up (the worker's own judgement) */
  concern: z.boolean().default(false),
});
export const CheckIn = z.object({
  id: Id,
  residentId: Id,
  userId: Id,
  method: CheckInMethod,
  note: z.string(),
  concern: z.boolean(),
  at: z.string(),
  createdAt: z.string(),
});
export type CheckIn = z.infer<typeof CheckIn>;

export const Relation = z.enum(['owner', 'tenant', 'family']);
export const BindingStatus = z.enum(['pending', 'verified', 'rejected', 'ended']);
export const Binding = z.object({
  id: Id,
  residentId: Id,
  residentName: z.string(),
  roomId: Id,
  standardAddress: z.string(),
  relation: Relation,
  status: BindingStatus,
  reviewNote: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  createdAt: z.string(),
});
export const BindingQuery = z.strictObject({
  ...Paging,
  status: BindingStatus.optional(),
  roomId: Id.optional(),
  residentId: Id.optional(),
});
/** staff bind a known resident to a room (verified at once) */
export const CreateBinding = z.strictObject({ residentId: Id, roomId: Id, relation: Relation });
/** a signed-in person asks to be bound to a room; a resident record is created for them if they have none */
export const RequestBinding = z.strictObject({
  roomId: Id,
  relation: Relation,
  name: Name.optional(),
  idNumber: IdNumber.optional(),
  phone: MobilePhone.optional(),
});
export const ReviewBinding = z.strictObject({
  decision: z.enum(['verify', 'reject', 'end']),
  note: z.string().trim().max(200).optional(),
});

export const OrganisationKind = z.enum([
  'shop',
  'company',
  'social_organisation',
  'public_institution',
  'other',
]);
export const Organisation = z.object({
  id: Id,
  communityId: Id,
  name: z.string(),
  kind: OrganisationKind,
  creditCode: z.string().nullable(),
  legalRepresentative: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  roomId: Id.nullable(),
  address: z.string().nullable(),
  employees: z.number().int().nullable(),
});
export const OrganisationQuery = z.strictObject({
  ...Paging,
  communityId: Id.optional(),
  kind: OrganisationKind.optional(),
  q: z.string().max(50).optional(),
});
export const CreateOrganisation = z.strictObject({
  communityId: Id,
  name: Name,
  kind: OrganisationKind,
  creditCode: z
    .string()
    .trim()
    .regex(
      /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/,
      'is not a valid unified social credit code',
    )
    .optional(),
  legalRepresentative: z.string().trim().max(50).optional(),
  contactName: z.string().trim().max(50).optional(),
  contactPhone: MobilePhone.optional(),
  roomId: Id.optional(),
  address: z.string().trim().max(200).optional(),
  employees: z.number().int().min(0).max(1_000_000).optional(),
});
export const UpdateOrganisation = CreateOrganisation.omit({ communityId: true }).partial().strict();

export const VehicleKind = z.enum(['car', 'ebike', 'motorcycle', 'other']);
export const Vehicle = z.object({
  id: Id,
  communityId: Id,
  plate: z.string(),
  kind: VehicleKind,
  ownerResidentId: Id.nullable(),
  ownerName: z.string().nullable(),
  brand: z.string().nullable(),
  color: z.string().nullable(),
});
export const VehicleQuery = z.strictObject({
  ...Paging,
  communityId: Id.optional(),
  kind: VehicleKind.optional(),
  plate: z.string().trim().max(10).optional(),
  ownerResidentId: Id.optional(),
});
export const CreateVehicle = z.strictObject({
  communityId: Id,
  plate: PlateNumber,
  kind: VehicleKind.default('car'),
  ownerResidentId: Id.optional(),
  brand: z.string().trim().max(50).optional(),
  color: z.string().trim().max(20).optional(),
});
export const UpdateVehicle = z.strictObject({
  kind: VehicleKind.optional(),
  ownerResidentId: Id.nullable().optional(),
  brand: z.string().trim().max(50).nullable().optional(),
  color: z.string().trim().max(20).nullable().optional(),
});
