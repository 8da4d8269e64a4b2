import { z } from 'zod';
import { Id, Name, Paging } from './common.js';

export const OrgKind = z.enum(['district', 'street', 'community', 'grid']);
export type OrgKind = z.infer<typeof OrgKind>;

const Position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const Ring = z.array(Position).min(4, 'a ring needs at least 4 positions');
/** a grid boundary: GeoJSON Polygon or MultiPolygon geometry */
export const Boundary = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
]);

export const OrgUnit = z.object({
  id: Id,
  kind: OrgKind,
  parentId: Id.nullable(),
  name: z.string(),
  code: z.string().nullable(),
  path: z.string(),
  boundary: Boundary.nullable(),
});
export type OrgUnit = z.infer<typeof OrgUnit>;

export const OrgUnitQuery = z.strictObject({
  ...Paging,
  kind: OrgKind.optional(),
  parentId: Id.optional(),
  q: z.string().max(50).optional(),
});

export const CreateOrgUnit = z.strictObject({
  kind: OrgKind,
  parentId: Id,
  name: Name,
  code: z.string().trim().max(32).optional(),
  boundary: Boundary.optional(),
});
export const UpdateOrgUnit = z.strictObject({
  name: Name.optional(),
  code: z.string().trim().max(32).nullable().optional(),
  boundary: Boundary.nullable().optional(),
});

export const PropertyCompany = z.object({
  id: Id,
  name: z.string(),
  creditCode: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  orgUnitId: Id,
});
export const PropertyCompanyQuery = z.strictObject({ ...Paging, q: z.string().max(50).optional() });
export const CreatePropertyCompany = z.strictObject({
  name: Name,
  orgUnitId: Id,
  creditCode: z.string().trim().max(18).optional(),
  contactName: z.string().trim().max(50).optional(),
  contactPhone: z.string().trim().max(20).optional(),
});
export const UpdatePropertyCompany = CreatePropertyCompany.omit({ orgUnitId: true }).partial().strict();
