// The service tasks of the volunteer diagrams. Each runs at least once per execution: every effect is keyed by
// the call's `key` (or by its cause) so that a second run writes nothing twice.
//   volunteer.publish        the wish/activity passed review: open it for claiming or sign-up; tell who cares
//   volunteer.reject         it did not: record the reason and tell the poster
//   volunteer.release        the owner says the service did not happen: the wish is open for claiming again
//   volunteer.creditPoints   credit every confirmed participant once (one ledger entry per participation)
import { and, eq, inArray, ne } from 'drizzle-orm';
import { BusinessError, type ServiceHandler } from '@linli/workflows';
import { roleAssignments } from '../../db/schema.js';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { communityPathOf, namesOf, type ActivityRow } from './domain.js';
import { linkOfActivity, linkOfPoints } from './links.js';
import { pointsLedger, volunteerActivities, volunteerParticipations, volunteerProfiles } from './schema.js';
import { orgUnits } from '../../db/schema.js';

const KIND = { wish: '微心愿', activity: '志愿活动' } as const;

const isUuid = (v: unknown): v is string =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

async function activityOf(s: Services, variables: Record<string, unknown>): Promise<ActivityRow> {
  const id = variables.volunteerActivityId;
  if (typeof id !== 'string') throw new Error('the case has no volunteerActivityId variable');
  const [row] = await s.db.select().from(volunteerActivities).where(eq(volunteerActivities.id, id));
  if (!row) throw new Error(`volunteer activity ${id} does not exist`);
  return row;
}

/** Accounts that serve as volunteers in a community: approved registrations and volunteer grants there. */
async function volunteersOf(s: Services, row: ActivityRow): Promise<string[]> {
  const path = communityPathOf(row.orgPath);
  const registered = await s.db
    .select({ userId: volunteerProfiles.userId })
    .from(volunteerProfiles)
    .where(and(eq(volunteerProfiles.communityId, row.communityId), eq(volunteerProfiles.status, 'approved')));
  const granted = path
    ? await s.db
        .select({ userId: roleAssignments.userId })
        .from(roleAssignments)
        .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
        .where(and(eq(roleAssignments.role, 'volunteer'), eq(orgUnits.path, path)))
    : [];
  return [...new Set([...registered, ...granted].map((r) => r.userId))].filter((u) => u !== row.createdBy);
}

export function volunteerHandlers(s: Services): Record<string, ServiceHandler> {
  return {
    'volunteer.publish': async ({ key, instanceId, variables }) => {
      const row = await activityOf(s, variables);
      if (row.status === 'pending_review')
        await s.db
          .update(volunteerActivities)
          .set({ status: 'open', updatedAt: s.now() })
          .where(and(eq(volunteerActivities.id, row.id), eq(volunteerActivities.status, 'pending_review')));
      if (row.kind === 'wish') {
        await enqueueNotice(s.db, {
          dedupKey: `${key}:owner`,
          recipients: [row.createdBy],
          template: 'volunteer.published',
          title: '微心愿已通过审核',
          body: `您的微心愿“${row.title}”已通过社区审核并发布，志愿者接单后会通知您。`,
          instanceId,
          link: linkOfActivity(row.id),
        });
      }
      await enqueueNotice(s.db, {
        dedupKey: `${key}:volunteers`,
        recipients: await volunteersOf(s, row),
        template: 'volunteer.new_opportunity',
        title: row.kind === 'wish' ? '有新的微心愿待认领' : '新的志愿活动开放报名',
        body:
          row.kind === 'wish'
            ? `居民发布了微心愿“${row.title}”（${row.place}），可获${row.points}志愿积分，欢迎接单。`
            : `志愿活动“${row.title}”（${row.place}）开放报名，共${row.slots}个名额，每人${Number(row.hours)}小时、${row.points}志愿积分。`,
        instanceId,
        link: linkOfActivity(row.id),
        data: { volunteerActivityId: row.id },
      });
      // the activity's end, as a duration from now (the 活动结束 timer waits for it); at least a second
      const ends = row.endsAt ?? row.startsAt;
      const seconds = ends ? Math.max(1, Math.ceil((ends.getTime() - s.now().getTime()) / 1000)) : 1;
      return { published: true, untilEnd: `PT${seconds}S` };
    },

    'volunteer.reject': async ({ key, instanceId, variables }) => {
      const row = await activityOf(s, variables);
      const reason = typeof variables.reviewReason === 'string' ? variables.reviewReason : null;
      await s.db
        .update(volunteerActivities)
        .set({ status: 'rejected', reviewNote: reason, updatedAt: s.now() })
        .where(eq(volunteerActivities.id, row.id));
      await enqueueNotice(s.db, {
        dedupKey: key,
        recipients: [row.createdBy],
        template: 'volunteer.rejected',
        title: `${KIND[row.kind]}未通过审核`,
        body: `您发布的${KIND[row.kind]}“${row.title}”未通过社区审核${reason ? `，原因：${reason}` : ''}。`,
        instanceId,
        link: linkOfActivity(row.id),
      });
    },

    'volunteer.release': async ({ key, instanceId, variables }) => {
      const row = await activityOf(s, variables);
      const released = await s.db
        .update(volunteerParticipations)
        .set({ status: 'released' })
        .where(
          and(
            eq(volunteerParticipations.activityId, row.id),
            ne(volunteerParticipations.status, 'released'),
            ne(volunteerParticipations.status, 'confirmed'),
          ),
        )
        .returning();
      await s.db
        .update(volunteerActivities)
        .set({ status: 'open', updatedAt: s.now() })
        .where(eq(volunteerActivities.id, row.id));
      await enqueueNotice(s.db, {
        dedupKey: key,
        recipients: released.map((r) => r.userId),
        template: 'volunteer.released',
        title: '微心愿服务未确认完成',
        body: `心愿人反馈微心愿“${row.title}”的服务尚未完成，该心愿已重新开放认领。`,
        instanceId,
        link: linkOfActivity(row.id),
      });
    },

    'volunteer.creditPoints': async ({ key, instanceId, activityId: step, variables }) => {
      const row = await activityOf(s, variables);
      if (row.kind === 'wish' && variables.serviceDone === true) {
        // confirmed from the generic task inbox rather than POST …/confirm: the volunteer serving it did it,
        // with the wish's expected hours
        await s.db
          .update(volunteerParticipations)
          .set({
            status: 'confirmed',
            hours: row.hours,
            confirmedBy: isUuid(variables.confirmedBy) ? variables.confirmedBy : null,
            confirmedAt: s.now(),
          })
          .where(
            and(
              eq(volunteerParticipations.activityId, row.id),
              eq(volunteerParticipations.status, 'signed_up'),
            ),
          );
      }
      const confirmed = await s.db
        .select()
        .from(volunteerParticipations)
        .where(
          and(
            eq(volunteerParticipations.activityId, row.id),
            eq(volunteerParticipations.status, 'confirmed'),
          ),
        );
      const communityPath = communityPathOf(row.orgPath);
      if (!communityPath) throw new BusinessError('NO_COMMUNITY', 'the activity belongs to no community');
      const names = await namesOf(
        s.db,
        confirmed.map((c) => c.userId),
      );
      let credited = 0;
      for (const part of confirmed) {
        const hours = part.hours ?? row.hours;
        const written = await s.db.transaction(async (tx) => {
          const [entry] = await tx
            .insert(pointsLedger)
            .values({
              userId: part.userId,
              communityId: row.communityId,
              orgPath: communityPath,
              amount: row.points,
              kind: 'service',
              causeKey: `${key}:${part.id}`,
              instanceId,
              step,
              activityId: row.id,
              participationId: part.id,
              hours,
              note: `${KIND[row.kind]}“${row.title}”志愿服务${Number(hours)}小时`,
              at: s.now(),
            })
            .onConflictDoNothing()
            .returning();
          if (!entry) return false;
          await recordCaseEvent(tx, {
            instanceId,
            kind: 'volunteer.points_credited',
            actor: 'system',
            body: {
              comment: `为${names.get(part.userId) ?? '志愿者'}发放志愿积分${row.points}分（服务${Number(hours)}小时）`,
              userId: part.userId,
              points: row.points,
              hours: Number(hours),
              entryId: entry.id,
              activityId: step,
            },
          });
          await enqueueNotice(tx, {
            dedupKey: `volunteer.points:${part.id}`,
            recipients: [part.userId],
            template: 'volunteer.points_credited',
            title: '志愿积分到账',
            body: `感谢您参与${KIND[row.kind]}“${row.title}”，服务${Number(hours)}小时，获得志愿积分${row.points}分。`,
            instanceId,
            link: linkOfPoints(),
            data: { points: row.points, entryId: entry.id },
          });
          return true;
        });
        if (written) credited++;
      }
      await s.db
        .update(volunteerActivities)
        .set({ status: 'completed', updatedAt: s.now() })
        .where(
          and(eq(volunteerActivities.id, row.id), inArray(volunteerActivities.status, ['open', 'claimed'])),
        );
      return { creditedParticipants: confirmed.length, creditedNow: credited };
    },
  };
}
