import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { orgUnits } from '../db/schema.js';
import { badRequest, notFound } from '../http/errors.js';

export type OrgUnitRow = typeof orgUnits.$inferSelect;
export type OrgKind = OrgUnitRow['kind'];

export const CHILD_KIND: Record<OrgKind, OrgKind | undefined> = {
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: undefined,
};

export async function getOrgUnit(db: DbOrTx, id: string, kind?: OrgKind): Promise<OrgUnitRow> {
  const [row] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  const label = kind ? kind[0]!.toUpperCase() + kind.slice(1) : 'Org unit';
  if (!row) throw notFound(label, id);
  if (kind && row.kind !== kind) throw badRequest(`${id} is a ${row.kind}, not a ${kind}`);
  return row;
}

/** The community an org unit belongs to (itself, or a grid's parent). */
export async function communityOf(db: DbOrTx, unit: OrgUnitRow): Promise<OrgUnitRow> {
  if (unit.kind === 'community') return unit;
  if (unit.kind === 'grid' && unit.parentId) return getOrgUnit(db, unit.parentId, 'community');
  throw badRequest(`${unit.name} is a ${unit.kind}; a community or grid is needed`);
}
