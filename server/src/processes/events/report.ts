// Reporting an event (上报): a grid worker's patrol photo (随手拍), a resident's report, or a 12345 hotline
// ticket. Every input is checked before anything is written; the record is written first so that the
// case's first service task (派单) finds it, then the case starts and the photos are filed with it.
import { eq, inArray } from 'drizzle-orm';
import type { HotlineTicket, ReportEvent } from '@linli/contracts';
import type { DbOrTx } from '../../db/client.js';
import { files } from '../../db/schema.js';
import { claimFiles } from '../../files/service.js';
import { badRequest, forbidden } from '../../http/errors.js';
import { getOrgUnit } from '../../domain/org.js';
import { getResident } from '../../domain/residents.js';
import { sealPhone } from '../../domain/pii.js';
import { authorize, hasRole, pathInScope, requirePermission, scopeFor } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { resolveCategory, type CategoryRow } from './categories.js';
import {
  communityPathOf,
  compoundOf,
  getEvent,
  gridAt,
  gridIdOf,
  PROCESS_ID,
  verifiedRoomsOf,
  type EventRow,
} from './domain.js';
import { communityEvents } from './schema.js';

const SOURCE_NAMES = { patrol: '巡查上报', resident: '居民上报', hotline: '12345热线' } as const;

/** Checks (without filing them) that photos exist, are the caller's images and belong to no case yet. */
async function checkPhotos(db: DbOrTx, ids: string[], uploaderId: string): Promise<void> {
  if (!ids.length) return;
  const rows = await db
    .select({ id: files.id, kind: files.kind, uploadedBy: files.uploadedBy, instanceId: files.instanceId })
    .from(files)
    .where(inArray(files.id, ids));
  const bad = ids.filter((id) => {
    const r = rows.find((x) => x.id === id);
    return !r || r.kind !== 'image' || r.uploadedBy !== uploaderId || r.instanceId !== null;
  });
  if (bad.length)
    throw badRequest(
      `photoFileIds: ${bad.join(', ')} ${bad.length === 1 ? 'is not an image' : 'are not images'} you uploaded (or already filed with another case)`,
      { fileIds: bad },
    );
}

interface Place {
  orgPath: string;
  gridId: string | null;
  compoundId: string | null;
  roomId: string | null;
}

/** Where a staff member's report belongs: the grid they name, the grid at the location, or their own unit. */
async function staffPlace(s: Services, p: Principal, body: ReportEvent | HotlineTicket): Promise<Place> {
  const scope = requirePermission(p, 'events', 'create');
  const named = 'gridId' in body ? body.gridId : 'orgUnitId' in body ? body.orgUnitId : undefined;
  let orgPath: string | undefined;
  if (named) {
    const unit = await getOrgUnit(s.db, named);
    authorize(p, 'events', 'create', { orgPath: unit.path }, 'Org unit', unit.id);
    orgPath = unit.path;
  }
  if (body.location) {
    // look for the grid within the named unit's community, else within the caller's communities
    const areas = orgPath
      ? [communityPathOf(orgPath) ?? orgPath]
      : scope.prefixes.map((x) => communityPathOf(x) ?? x);
    for (const area of [...new Set(areas)]) {
      const grid = await gridAt(s.db, body.location.lat, body.location.lng, area);
      if (grid && pathInScope(scope, grid.path)) {
        orgPath = grid.path;
        break;
      }
    }
  }
  if (!orgPath) {
    const prefixes = [...new Set(scope.prefixes)];
    if (prefixes.length !== 1)
      throw badRequest('Name the grid the event belongs to (gridId): you work in more than one area');
    orgPath = prefixes[0]!;
  }
  let compoundId: string | null = null;
  if ('compoundId' in body && body.compoundId) {
    const compound = await compoundOf(s.db, body.compoundId);
    const community = communityPathOf(orgPath);
    if (!compound || !community || !compound.orgPath.startsWith(community))
      throw badRequest(`compoundId: ${body.compoundId} is not a compound of the event's community`);
    compoundId = compound.id;
  }
  return { orgPath, gridId: gridIdOf(orgPath), compoundId, roomId: null };
}

/** Where a resident's report belongs: inside their own community (their room's grid, or the grid at the spot). */
async function residentPlace(s: Services, p: Principal, body: ReportEvent): Promise<Place> {
  requirePermission(p, 'events', 'create');
  if (!p.residentId) throw forbidden('Only residents and community staff may report events');
  if (body.gridId) throw badRequest('gridId: residents do not choose the grid; give the location instead');
  const resident = await getResident(s.db, p.residentId);
  const community = await getOrgUnit(s.db, resident.communityId);
  const home = await verifiedRoomsOf(s.db, p.residentId);
  let roomId: string | null = null;
  let compoundId: string | null = null;
  let orgPath = home[0]?.orgPath ?? resident.orgPath;
  if (body.roomId) {
    const room = home.find((r) => r.roomId === body.roomId);
    if (!room) throw forbidden(`roomId: you are not a verified member of room ${body.roomId}`);
    ({ roomId, compoundId } = room);
    orgPath = room.orgPath;
  } else if (home[0]) compoundId = home[0].compoundId;
  if (body.compoundId) {
    const compound = await compoundOf(s.db, body.compoundId);
    if (!compound || !compound.orgPath.startsWith(community.path))
      throw badRequest(`compoundId: you may report only within your own community (${community.name})`);
    compoundId = compound.id;
  }
  if (body.location) {
    const grid = await gridAt(s.db, body.location.lat, body.location.lng);
    if (grid && !grid.path.startsWith(community.path))
      throw badRequest(
        `location: the place lies outside your community (${community.name}); report it to the community it belongs to or call 12345`,
      );
    if (grid) orgPath = grid.path;
  }
  return { orgPath, gridId: gridIdOf(orgPath), compoundId, roomId };
}

async function startCaseFor(
  s: Services,
  p: Principal,
  event: EventRow,
  category: CategoryRow | undefined,
  photoFileIds: string[],
): Promise<EventRow> {
  let instanceId: string;
  try {
    const instance = await s.workflow.runtime.start({
      processId: PROCESS_ID,
      businessKey: event.hotlineTicketNo ? `12345:${event.hotlineTicketNo}` : `event:${event.id}`,
      variables: {
        eventId: event.id,
        source: event.source,
        classified: !!category,
        categoryId: category?.id ?? null,
        classifiedBy: category ? p.userId : null,
        reporterUserId: event.reporterUserId ?? '',
        title: event.title,
      },
      initiator: p.userId,
      orgPath: event.orgPath,
    });
    instanceId = instance.id;
  } catch (err) {
    await s.db.delete(communityEvents).where(eq(communityEvents.id, event.id));
    throw err;
  }
  await s.db.transaction(async (tx) => {
    await tx.update(communityEvents).set({ instanceId }).where(eq(communityEvents.id, event.id));
    await claimFiles(tx, photoFileIds, {
      uploaderId: p.userId,
      instanceId,
      orgPath: event.orgPath,
      kinds: ['image'],
      label: 'photoFileIds',
    });
    await recordCaseEvent(tx, {
      instanceId,
      kind: 'events.reported',
      actor: p.userId,
      // when it was reported, not when this row is written (after the case started and dispatched it): the
      // timeline then opens with the report
      at: event.reportedAt,
      opensCase: true,
      body: {
        comment: event.description,
        fileIds: photoFileIds,
        source: event.source,
        sourceName: SOURCE_NAMES[event.source],
        ...(event.hotlineTicketNo ? { ticketNo: event.hotlineTicketNo } : {}),
        ...(event.address ? { address: event.address } : {}),
      },
    });
  });
  return (await getEvent(s.db, event.id))!;
}

const titleOf = (category: CategoryRow | undefined, description: string, given?: string) =>
  given ?? (category ? `${category.name}：${description.slice(0, 24)}` : description.slice(0, 30));

/** A patrol report (staff) or a resident's report. */
export async function reportEvent(s: Services, p: Principal, body: ReportEvent): Promise<EventRow> {
  const staff = scopeFor(p, 'events', 'create').prefixes.length > 0;
  const place = staff ? await staffPlace(s, p, body) : await residentPlace(s, p, body);
  const category = body.category ? await resolveCategory(s.db, place.orgPath, body.category) : undefined;
  await checkPhotos(s.db, body.photoFileIds, p.userId);
  const address = body.location?.address ?? body.address ?? null;
  const [event] = await s.db
    .insert(communityEvents)
    .values({
      source: staff ? 'patrol' : 'resident',
      categoryId: null,
      reportedCategoryId: category?.id ?? null,
      sensitive: category?.kind === 'dispute',
      title: titleOf(category, body.description, body.title),
      description: body.description,
      photoFileIds: body.photoFileIds,
      lat: body.location?.lat ?? null,
      lng: body.location?.lng ?? null,
      address,
      ...place,
      reporterUserId: p.userId,
      createdBy: p.userId,
      state: category ? 'reported' : 'classifying',
      reportedAt: s.now(),
    })
    .returning();
  return startCaseFor(s, p, event!, category, body.photoFileIds);
}

/**
 * A 12345 hotline ticket, typed in by staff or posted by the hotline integration. Idempotent by ticket number:
 * the same ticket again answers the event it already made (`created: false`).
 */
export async function fileHotlineTicket(
  s: Services,
  p: Principal,
  body: HotlineTicket,
): Promise<{ event: EventRow; created: boolean }> {
  requirePermission(p, 'events', 'create');
  if (!hasRole(p, 'grid_worker', 'community_admin', 'street_admin', 'district_admin'))
    throw forbidden('Only grid workers and community or street staff enter hotline tickets');
  const existing = await byTicket(s.db, body.ticketNo);
  if (existing) return { event: existing, created: false };
  const place = await staffPlace(s, p, body);
  const category = body.category ? await resolveCategory(s.db, place.orgPath, body.category) : undefined;
  const [event] = await s.db
    .insert(communityEvents)
    .values({
      source: 'hotline',
      hotlineTicketNo: body.ticketNo,
      reportedCategoryId: category?.id ?? null,
      sensitive: category?.kind === 'dispute',
      title: titleOf(category, body.description, body.title),
      description: body.description,
      lat: body.location?.lat ?? null,
      lng: body.location?.lng ?? null,
      address: body.location?.address ?? body.address ?? null,
      ...place,
      reporterUserId: null,
      callerName: body.callerName ?? null,
      ...(body.callerPhone
        ? (({ phoneEnc, phoneMasked }) => ({ callerPhoneEnc: phoneEnc, callerPhoneMasked: phoneMasked }))(
            sealPhone(s.vault, body.callerPhone) as { phoneEnc: string; phoneMasked: string },
          )
        : {}),
      createdBy: p.userId,
      state: category ? 'reported' : 'classifying',
      reportedAt: body.receivedAt ? new Date(body.receivedAt) : s.now(),
      hotlineReplyStatus: 'pending',
    })
    .onConflictDoNothing()
    .returning();
  if (!event) return { event: (await byTicket(s.db, body.ticketNo))!, created: false };
  return { event: await startCaseFor(s, p, event, category, []), created: true };
}

export async function byTicket(db: DbOrTx, ticketNo: string): Promise<EventRow | undefined> {
  const [row] = await db.select().from(communityEvents).where(eq(communityEvents.hotlineTicketNo, ticketNo));
  return row;
}
