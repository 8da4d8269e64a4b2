// A community event that is really a repair becomes one (事件转报修): the events process calls this with the
// event's facts. The repair keeps the event's id, and its photos stay filed with the event's case (they are
// referenced, not moved). Calling it again for the same event returns the repair made the first time.
import { eq } from 'drizzle-orm';
import { compounds, rooms } from '../../db/schema.js';
import { badRequest, notFound } from '../../http/errors.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { fileRepair, type Place } from './commands.js';
import { toCategory } from './domain.js';
import { repairOrders } from './schema.js';

export async function fileRepairFromEvent(
  s: Services,
  principal: Principal,
  e: {
    eventId: string;
    eventInstanceId: string;
    orgPath: string;
    compoundId: string | null;
    roomId: string | null;
    category: string;
    description: string;
    photoFileIds: string[];
    reporterUserId: string;
  },
): Promise<{ repairId: string; instanceId: string }> {
  const [existing] = await s.db.select().from(repairOrders).where(eq(repairOrders.eventId, e.eventId));
  if (existing?.instanceId) return { repairId: existing.id, instanceId: existing.instanceId };
  const place = await eventPlace(s, e);
  const repair = await fileRepair(s, {
    place,
    category: toCategory(e.category),
    description: e.description,
    photoFileIds: [...new Set(e.photoFileIds)],
    voiceFileId: null,
    preferredFrom: null,
    preferredTo: null,
    source: 'event',
    eventId: e.eventId,
    reporterUserId: e.reporterUserId,
    reporterResidentId: null,
    claim: false,
    filedBy: principal.userId,
  });
  return { repairId: repair.id, instanceId: repair.instanceId! };
}

/** The room or compound the event names, else the event's own place (its org path's community). */
async function eventPlace(
  s: Services,
  e: { orgPath: string; compoundId: string | null; roomId: string | null },
): Promise<Place> {
  if (e.roomId) {
    const [room] = await s.db
      .select({ room: rooms, compound: compounds })
      .from(rooms)
      .innerJoin(compounds, eq(compounds.id, rooms.compoundId))
      .where(eq(rooms.id, e.roomId));
    if (!room) throw notFound('Room', e.roomId);
    return {
      orgPath: room.room.orgPath,
      communityId: room.compound.communityId,
      compoundId: room.compound.id,
      propertyCompanyId: room.compound.propertyCompanyId,
      roomId: room.room.id,
      location: room.room.standardAddress,
    };
  }
  if (e.compoundId) {
    const [compound] = await s.db.select().from(compounds).where(eq(compounds.id, e.compoundId));
    if (!compound) throw notFound('Compound', e.compoundId);
    return {
      // the event's place when it lies in the compound's community (a grid), else the compound's
      orgPath: e.orgPath.startsWith(compound.orgPath) ? e.orgPath : compound.orgPath,
      communityId: compound.communityId,
      compoundId: compound.id,
      propertyCompanyId: compound.propertyCompanyId,
      roomId: null,
      location: `${compound.name}（公共区域）`,
    };
  }
  // /district/street/community/(grid/): the third segment is the community
  const communityId = e.orgPath.split('/').filter(Boolean)[2];
  if (!communityId) throw badRequest('The event is not inside a community: name its compound or room');
  return {
    orgPath: e.orgPath,
    communityId,
    compoundId: null,
    propertyCompanyId: null,
    roomId: null,
    location: '社区事件转报修',
  };
}
