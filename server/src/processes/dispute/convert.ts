// Converting a community event (事件处置) that turns out to be a dispute into a dispute case, keeping the
// link: the dispute stores the event's id and case, and starts its own mediation case. Called by the
// community-events process.
import { eq } from 'drizzle-orm';
import { residents, users } from '../../db/schema.js';
import { forbidden } from '../../http/errors.js';
import { pathInScope, scopeFor } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { communityOf, registerDispute } from './domain.js';
import { disputes } from './schema.js';

export async function registerDisputeFromEvent(
  s: Services,
  principal: Principal,
  e: {
    eventId: string;
    eventInstanceId: string;
    orgPath: string;
    summary: string;
    description: string;
    reporterUserId: string;
  },
): Promise<{ disputeId: string; instanceId: string }> {
  if (!pathInScope(scopeFor(principal, 'disputes', 'create'), e.orgPath))
    throw forbidden('You may not register disputes where this event is');
  // converting the same event again (a re-run after a crash) gives back the dispute it already became
  const [existing] = await s.db
    .select({ id: disputes.id, instanceId: disputes.instanceId })
    .from(disputes)
    .where(eq(disputes.eventId, e.eventId))
    .limit(1);
  if (existing?.instanceId) return { disputeId: existing.id, instanceId: existing.instanceId };
  const community = await communityOf(s.db, e.orgPath);
  // the reporter becomes the applicant: a resident with their recorded phone, else by their account name
  const [reporter] = await s.db
    .select({ userId: users.id, name: users.displayName, residentId: users.residentId })
    .from(users)
    .where(eq(users.id, e.reporterUserId));
  const [resident] = reporter?.residentId
    ? await s.db.select().from(residents).where(eq(residents.id, reporter.residentId))
    : [];
  const self = {
    role: 'applicant' as const,
    name: resident?.name ?? reporter?.name ?? '事件反映人',
    phoneEnc: resident?.phoneEnc ?? null,
    phoneHash: resident?.phoneHash ?? null,
    phoneMasked: resident?.phoneMasked ?? null,
    residentId: resident?.id ?? null,
    userId: reporter?.userId ?? null,
  };
  const { dispute, instanceId } = await registerDispute(
    s,
    principal,
    {
      title: e.summary.slice(0, 100),
      description: e.description,
      parties: [],
      fileIds: [],
    },
    { source: 'event', community, self, eventId: e.eventId, eventInstanceId: e.eventInstanceId },
  );
  return { disputeId: dispute.id, instanceId };
}
