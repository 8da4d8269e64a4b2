// Filing a repair: where it is and whether the reporter may report it there, its number, its record and its
// case. Everything a request could get wrong is checked before anything is written.
import { and, eq, like } from 'drizzle-orm';
import type { CreateRepair } from '@linli/contracts';
import { buildings, compounds, householdBindings, rooms } from '../../db/schema.js';
import { claimFiles } from '../../files/service.js';
import { forbidden, notFound } from '../../http/errors.js';
import { PERMISSIONS } from '../../policy/permissions.js';
import { effectiveGrants, escapeLike } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import {
  categoryName,
  checkOwnFiles,
  nextNumber,
  PROCESS_ID,
  type RepairCategory,
  type RepairRow,
} from './domain.js';
import { repairOrders } from './schema.js';

export interface Place {
  orgPath: string;
  communityId: string;
  compoundId: string | null;
  propertyCompanyId: string | null;
  roomId: string | null;
  location: string;
}

const staffCreateGrants = (p: Principal) =>
  effectiveGrants(p).filter((g) => PERMISSIONS[g.role].repairs?.create === 'subtree');

async function boundTo(s: Services, p: Principal, roomIds: string[]): Promise<boolean> {
  if (!p.residentId || !roomIds.length) return false;
  const rows = await s.db
    .select({ roomId: householdBindings.roomId })
    .from(householdBindings)
    .where(and(eq(householdBindings.residentId, p.residentId), eq(householdBindings.status, 'verified')));
  return rows.some((r) => roomIds.includes(r.roomId));
}

/** Where a new repair is, and whether this reporter may report it there (403 otherwise). */
export async function placeFor(
  s: Services,
  p: Principal,
  input: { roomId?: string | undefined; compoundId?: string | undefined; spot?: string | undefined },
): Promise<Place> {
  if (input.roomId) {
    const [room] = await s.db
      .select({
        id: rooms.id,
        orgPath: rooms.orgPath,
        address: rooms.standardAddress,
        compoundId: rooms.compoundId,
        communityId: compounds.communityId,
        propertyCompanyId: compounds.propertyCompanyId,
      })
      .from(rooms)
      .innerJoin(compounds, eq(compounds.id, rooms.compoundId))
      .where(eq(rooms.id, input.roomId));
    if (!room) throw notFound('Room', input.roomId);
    // a resident reports for the rooms they live in; staff take reports by phone for rooms of their area
    const staff = staffCreateGrants(p).some((g) => room.orgPath.startsWith(g.orgPath));
    if (!staff && !(await boundTo(s, p, [room.id])))
      throw forbidden(
        'You may report repairs only for a room you are bound to (a verified household binding)',
      );
    return {
      orgPath: room.orgPath,
      communityId: room.communityId,
      compoundId: room.compoundId,
      propertyCompanyId: room.propertyCompanyId,
      roomId: room.id,
      location: input.spot ? `${room.address}（${input.spot}）` : room.address,
    };
  }
  const [compound] = await s.db.select().from(compounds).where(eq(compounds.id, input.compoundId!));
  if (!compound) throw notFound('Compound', input.compoundId);
  const place = {
    communityId: compound.communityId,
    compoundId: compound.id,
    propertyCompanyId: compound.propertyCompanyId,
    roomId: null,
    location: `${compound.name}${input.spot ? ` ${input.spot}` : '（公共区域）'}`,
  };
  // staff of the community; a grid worker whose grid holds buildings of the compound (the case sits in their grid)
  for (const g of staffCreateGrants(p)) {
    if (compound.orgPath.startsWith(g.orgPath)) return { ...place, orgPath: compound.orgPath };
    const [inGrid] = await s.db
      .select({ id: buildings.id })
      .from(buildings)
      .where(and(eq(buildings.compoundId, compound.id), like(buildings.orgPath, `${escapeLike(g.orgPath)}%`)))
      .limit(1);
    if (inGrid) return { ...place, orgPath: g.orgPath };
  }
  // a resident reports a public area of the compound they live in
  const homes = await s.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.compoundId, compound.id));
  if (
    await boundTo(
      s,
      p,
      homes.map((r) => r.id),
    )
  )
    return { ...place, orgPath: compound.orgPath };
  throw forbidden('You may report public-area repairs only for a compound you live in or work for');
}

export interface NewRepair {
  place: Place;
  category: RepairCategory;
  description: string;
  photoFileIds: string[];
  voiceFileId: string | null;
  preferredFrom: Date | null;
  preferredTo: Date | null;
  source: RepairRow['source'];
  eventId: string | null;
  reporterUserId: string;
  reporterResidentId: string | null;
  /** files are the reporter's uploads, filed with this case now; false when they belong to another case */
  claim: boolean;
  /** who files it (the reporter, or staff converting an event) */
  filedBy: string;
}

/** Writes the repair and starts its case (the automatic dispatch runs as the case starts). */
export async function fileRepair(s: Services, n: NewRepair): Promise<RepairRow> {
  const createdAt = s.now();
  const repair = await s.db.transaction(async (tx) => {
    const number = await nextNumber(tx, createdAt);
    const [row] = await tx
      .insert(repairOrders)
      .values({
        number,
        orgPath: n.place.orgPath,
        communityId: n.place.communityId,
        compoundId: n.place.compoundId,
        propertyCompanyId: n.place.propertyCompanyId,
        roomId: n.place.roomId,
        location: n.place.location,
        category: n.category,
        description: n.description,
        photoFileIds: n.photoFileIds,
        voiceFileId: n.voiceFileId,
        preferredFrom: n.preferredFrom,
        preferredTo: n.preferredTo,
        source: n.source,
        eventId: n.eventId,
        reporterUserId: n.reporterUserId,
        reporterResidentId: n.reporterResidentId,
        createdAt,
        updatedAt: createdAt,
      })
      .returning();
    return row!;
  });
  let instanceId: string;
  try {
    const instance = await s.workflow.runtime.start({
      processId: PROCESS_ID,
      businessKey: repair.number,
      variables: {
        repairId: repair.id,
        category: repair.category,
        compoundId: repair.compoundId,
        reporter: repair.reporterUserId,
        location: repair.location,
      },
      initiator: repair.reporterUserId,
      orgPath: repair.orgPath,
    });
    instanceId = instance.id;
  } catch (err) {
    // no case, no repair: the process is not deployed or refused to start
    await s.db.delete(repairOrders).where(eq(repairOrders.id, repair.id));
    throw err;
  }
  await s.db.transaction(async (tx) => {
    await tx.update(repairOrders).set({ instanceId }).where(eq(repairOrders.id, repair.id));
    if (n.claim) {
      await claimFiles(tx, n.photoFileIds, {
        uploaderId: n.filedBy,
        instanceId,
        orgPath: repair.orgPath,
        kinds: ['image'],
        label: 'photoFileIds',
      });
      if (n.voiceFileId)
        await claimFiles(tx, [n.voiceFileId], {
          uploaderId: n.filedBy,
          instanceId,
          orgPath: repair.orgPath,
          kinds: ['audio'],
          label: 'voiceFileId',
        });
    }
    await recordCaseEvent(tx, {
      instanceId,
      kind: 'repair.reported',
      actor: n.filedBy,
      at: createdAt,
      body: {
        activityId: 'StartEvent_1',
        comment: `【${categoryName(n.category)}】${n.description}`,
        fileIds: [...n.photoFileIds, ...(n.voiceFileId ? [n.voiceFileId] : [])],
        number: repair.number,
        location: repair.location,
        ...(n.eventId ? { eventId: n.eventId } : {}),
      },
    });
  });
  const [fresh] = await s.db.select().from(repairOrders).where(eq(repairOrders.id, repair.id));
  return fresh!;
}

/** POST /repairs: a resident from their room, staff for a room or a public area of their area. */
export async function createRepair(s: Services, p: Principal, body: CreateRepair): Promise<RepairRow> {
  const place = await placeFor(s, p, body);
  await checkOwnFiles(s.db, body.photoFileIds, {
    uploaderId: p.userId,
    kinds: ['image'],
    label: 'photoFileIds',
  });
  if (body.voiceFileId)
    await checkOwnFiles(s.db, [body.voiceFileId], {
      uploaderId: p.userId,
      kinds: ['audio'],
      label: 'voiceFileId',
    });
  return fileRepair(s, {
    place,
    category: body.category,
    description: body.description,
    photoFileIds: [...new Set(body.photoFileIds)],
    voiceFileId: body.voiceFileId ?? null,
    preferredFrom: body.preferredFrom ? new Date(body.preferredFrom) : null,
    preferredTo: body.preferredTo ? new Date(body.preferredTo) : null,
    source: staffCreateGrants(p).some((g) => place.orgPath.startsWith(g.orgPath)) ? 'staff' : 'resident',
    eventId: null,
    reporterUserId: p.userId,
    reporterResidentId: p.residentId,
    claim: true,
    filedBy: p.userId,
  });
}
