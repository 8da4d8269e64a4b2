// The standard address tree: compound → building → unit → room. Every node has a stable standard address
// string, built from its parent's; renaming a node rewrites the addresses below it in the same transaction.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx, Tx } from '../db/client.js';
import { buildings, compounds, householdBindings, orgUnits, residents, rooms, units } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import type { OrgUnitRow } from './org.js';

export type CompoundRow = typeof compounds.$inferSelect;
export type BuildingRow = typeof buildings.$inferSelect;
export type UnitRow = typeof units.$inferSelect;
export type RoomRow = typeof rooms.$inferSelect;

async function one<T>(rows: Promise<T[]>, what: string, id: string): Promise<T> {
  const [row] = await rows;
  if (!row) throw notFound(what, id);
  return row;
}

export const getCompound = (db: DbOrTx, id: string) =>
  one(db.select().from(compounds).where(eq(compounds.id, id)), 'Compound', id);
export const getBuilding = (db: DbOrTx, id: string) =>
  one(db.select().from(buildings).where(eq(buildings.id, id)), 'Building', id);
export const getUnit = (db: DbOrTx, id: string) =>
  one(db.select().from(units).where(eq(units.id, id)), 'Unit', id);
export const getRoom = (db: DbOrTx, id: string) =>
  one(db.select().from(rooms).where(eq(rooms.id, id)), 'Room', id);

/**
 * The address prefix of a community: taken from an existing compound when there is one (so imported or
 * seeded addresses keep their province and city), otherwise the names of the org units down to it.
 */
export async function communityAddressPrefix(db: DbOrTx, community: OrgUnitRow): Promise<string> {
  const [existing] = await db
    .select({ name: compounds.name, address: compounds.standardAddress })
    .from(compounds)
    .where(eq(compounds.communityId, community.id))
    .orderBy(asc(compounds.createdAt))
    .limit(1);
  if (existing && existing.address.endsWith(existing.name)) {
    return existing.address.slice(0, existing.address.length - existing.name.length);
  }
  const ids = community.path.split('/').filter(Boolean);
  const ancestors = await db
    .select({ id: orgUnits.id, name: orgUnits.name })
    .from(orgUnits)
    .where(inArray(orgUnits.id, ids));
  const byId = new Map(ancestors.map((a) => [a.id, a.name]));
  return ids.map((id) => byId.get(id) ?? '').join('');
}

/** A floor guessed from a room number such as 301 or 1203 (the digits before the last two). */
export function floorOfRoomNumber(number: string): number | null {
  const m = /^(\d{1,3})(\d{2})$/.exec(number.trim());
  return m ? Number(m[1]) : null;
}

export const roomAddress = (unit: Pick<UnitRow, 'standardAddress'>, number: string) =>
  `${unit.standardAddress}${number}室`;

/** Rewrites the standard address prefix `from` → `to` of every row below a renamed node. */
export async function cascadeAddress(
  tx: Tx,
  level: 'compound' | 'building' | 'unit',
  id: string,
  from: string,
  to: string,
): Promise<void> {
  const rewrite = (col: AnyPgColumn) => sql`${to} || substr(${col}, ${from.length + 1})`;
  if (level === 'compound') {
    await tx
      .update(buildings)
      .set({ standardAddress: rewrite(buildings.standardAddress) })
      .where(eq(buildings.compoundId, id));
    await tx
      .update(units)
      .set({ standardAddress: rewrite(units.standardAddress) })
      .where(
        inArray(
          units.buildingId,
          tx.select({ id: buildings.id }).from(buildings).where(eq(buildings.compoundId, id)),
        ),
      );
    await tx
      .update(rooms)
      .set({ standardAddress: rewrite(rooms.standardAddress) })
      .where(eq(rooms.compoundId, id));
  } else if (level === 'building') {
    await tx
      .update(units)
      .set({ standardAddress: rewrite(units.standardAddress) })
      .where(eq(units.buildingId, id));
    await tx
      .update(rooms)
      .set({ standardAddress: rewrite(rooms.standardAddress) })
      .where(eq(rooms.buildingId, id));
  } else {
    await tx
      .update(rooms)
      .set({ standardAddress: rewrite(rooms.standardAddress) })
      .where(eq(rooms.unitId, id));
  }
}

/** Moves a building into another grid: its units, rooms, bindings and the residents living there follow. */
export async function moveBuildingToGrid(tx: Tx, building: BuildingRow, grid: OrgUnitRow): Promise<void> {
  const roomIds = tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.buildingId, building.id));
  await tx.update(units).set({ orgPath: grid.path }).where(eq(units.buildingId, building.id));
  await tx
    .update(rooms)
    .set({ orgPath: grid.path, gridId: grid.id })
    .where(eq(rooms.buildingId, building.id));
  await tx
    .update(householdBindings)
    .set({ orgPath: grid.path })
    .where(inArray(householdBindings.roomId, roomIds));
  await tx
    .update(residents)
    .set({ orgPath: grid.path })
    .where(
      and(
        eq(residents.orgPath, building.orgPath),
        inArray(
          residents.id,
          tx
            .select({ id: householdBindings.residentId })
            .from(householdBindings)
            .where(inArray(householdBindings.roomId, roomIds)),
        ),
      ),
    );
}
