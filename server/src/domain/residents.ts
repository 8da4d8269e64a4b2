// Residents: who counts as "self" for a signed-in resident, and how a resident record reads to each caller.
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { householdBindings, residents, rooms } from '../db/schema.js';
import type { Vault } from '../lib/crypto.js';
import { notFound } from '../http/errors.js';

export type ResidentRow = typeof residents.$inferSelect;

/** Ids of the residents sharing a verified room with `residentId` (their household), including themself. */
export function householdOf(db: DbOrTx, residentId: string) {
  const myRooms = db
    .select({ roomId: householdBindings.roomId })
    .from(householdBindings)
    .where(and(eq(householdBindings.residentId, residentId), eq(householdBindings.status, 'verified')));
  return db
    .select({ id: householdBindings.residentId })
    .from(householdBindings)
    .where(and(eq(householdBindings.status, 'verified'), inArray(householdBindings.roomId, myRooms)));
}

/** SQL: the resident-id column belongs to the caller or their household. */
export function isHousehold(db: DbOrTx, column: typeof residents.id, residentId: string | null): SQL {
  if (!residentId) return sql`false`;
  return or(eq(column, residentId), inArray(column, householdOf(db, residentId))) as SQL;
}

export async function inHousehold(
  db: DbOrTx,
  residentId: string | null,
  targetId: string | null,
): Promise<boolean> {
  if (!residentId || !targetId) return false;
  if (residentId === targetId) return true;
  const rows = await householdOf(db, residentId);
  return rows.some((r) => r.id === targetId);
}

export async function getResident(db: DbOrTx, id: string): Promise<ResidentRow> {
  const [row] = await db.select().from(residents).where(eq(residents.id, id));
  if (!row) throw notFound('Resident', id);
  return row;
}

export async function roomsOf(db: DbOrTx, residentIds: string[]) {
  const map = new Map<
    string,
    { roomId: string; relation: string; status: string; standardAddress: string }[]
  >();
  if (residentIds.length === 0) return map;
  const rows = await db
    .select({
      residentId: householdBindings.residentId,
      roomId: householdBindings.roomId,
      relation: householdBindings.relation,
      status: householdBindings.status,
      standardAddress: rooms.standardAddress,
    })
    .from(householdBindings)
    .innerJoin(rooms, eq(rooms.id, householdBindings.roomId))
    .where(
      and(
        inArray(householdBindings.residentId, residentIds),
        inArray(householdBindings.status, ['pending', 'verified']),
      ),
    );
  for (const { residentId, ...room } of rows) map.set(residentId, [...(map.get(residentId) ?? []), room]);
  return map;
}

/**
 * A resident as the caller may see it: in full only to the resident themself. Staff get masked values
 * and use the audited reveal endpoint when they need a full value.
 */
export function presentResident(
  r: ResidentRow,
  opts: {
    self: boolean;
    vault: Vault;
    rooms: { roomId: string; relation: string; status: string; standardAddress: string }[];
    staff: boolean;
  },
) {
  const full = opts.self;
  return {
    id: r.id,
    communityId: r.communityId,
    name: r.name,
    gender: r.gender,
    birthDate: r.birthDate,
    idNumber: full ? (r.idNumberEnc ? opts.vault.decrypt(r.idNumberEnc) : null) : r.idNumberMasked,
    phone: full ? (r.phoneEnc ? opts.vault.decrypt(r.phoneEnc) : null) : r.phoneMasked,
    masked: !full,
    residency: r.residency,
    // care and concern tags are sensitive: staff and the person themself only
    tags: (opts.staff || opts.self ? r.tags : []) as never[],
    status: r.status,
    ...(opts.staff ? { notes: r.notes } : {}),
    rooms: opts.rooms,
  };
}
