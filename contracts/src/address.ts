import { z } from 'zod';
import { Id, Name, Paging } from './common.js';

export const Compound = z.object({
  id: Id,
  communityId: Id,
  propertyCompanyId: Id.nullable(),
  name: z.string(),
  standardAddress: z.string(),
});
export const CompoundQuery = z.strictObject({
  ...Paging,
  communityId: Id.optional(),
  q: z.string().max(50).optional(),
});
export const CreateCompound = z.strictObject({
  communityId: Id,
  name: Name,
  propertyCompanyId: Id.optional(),
});
export const UpdateCompound = z.strictObject({
  name: Name.optional(),
  propertyCompanyId: Id.nullable().optional(),
});

export const Building = z.object({
  id: Id,
  compoundId: Id,
  gridId: Id,
  name: z.string(),
  floors: z.number().int().nullable(),
  standardAddress: z.string(),
});
export const BuildingQuery = z.strictObject({
  ...Paging,
  compoundId: Id.optional(),
  gridId: Id.optional(),
});
export const CreateBuilding = z.strictObject({
  compoundId: Id,
  gridId: Id,
  name: Name,
  floors: z.number().int().min(1).max(200).optional(),
});
export const UpdateBuilding = z.strictObject({
  name: Name.optional(),
  gridId: Id.optional(),
  floors: z.number().int().min(1).max(200).nullable().optional(),
});

export const Unit = z.object({ id: Id, buildingId: Id, name: z.string(), standardAddress: z.string() });
export const UnitQuery = z.strictObject({ ...Paging, buildingId: Id.optional() });
export const CreateUnit = z.strictObject({ buildingId: Id, name: Name });
export const UpdateUnit = z.strictObject({ name: Name });

export const RoomUsage = z.enum(['residential', 'commercial', 'office', 'other']);
export const Occupancy = z.enum(['owner_occupied', 'rented', 'vacant', 'unknown']);
export const Room = z.object({
  id: Id,
  unitId: Id,
  buildingId: Id,
  compoundId: Id,
  gridId: Id,
  number: z.string(),
  floor: z.number().int().nullable(),
  standardAddress: z.string(),
  /** staff only */
  areaM2: z.number().nullable().optional(),
  usage: RoomUsage.optional(),
  occupancy: Occupancy.optional(),
});
export const RoomQuery = z.strictObject({
  ...Paging,
  unitId: Id.optional(),
  buildingId: Id.optional(),
  compoundId: Id.optional(),
  gridId: Id.optional(),
  occupancy: Occupancy.optional(),
  q: z.string().max(100).optional(),
});
export const CreateRoom = z.strictObject({
  unitId: Id,
  number: z.string().trim().min(1).max(20),
  floor: z.number().int().min(-5).max(200).optional(),
  areaM2: z.number().positive().max(100000).optional(),
  usage: RoomUsage.optional(),
  occupancy: Occupancy.optional(),
});
/** a new number renumbers the room (its standard address follows; community admins only) */
export const UpdateRoom = CreateRoom.omit({ unitId: true }).partial().strict();
