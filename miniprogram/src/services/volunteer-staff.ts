// The community staff's side of volunteer service (志愿服务管理): reviewing volunteer registrations, micro-wishes and
// activities, verifying a claimed wish's service on the owner's behalf (社区核实服务, the points are credited by the
// process), and recording an activity's participants with their hours (确认参与并记录时长). The server decides who
// may (grid workers and community admins of the area; activities are reviewed by the community admin).
import type { InstanceDetail, VolunteerActivity, VolunteerRegistration } from '@linli/contracts';
import { currentUser, hasRole } from './auth';
import { ApiFailure } from './errors';
import { api } from './http';
import type { Page } from './types';
import { volunteerMessageOf, VOLUNTEER_PAGE_SIZE } from './volunteer';

/** the workbench's tabs: what waits for the community */
export type VolunteerReviewTab = 'registration' | 'wish' | 'activity' | 'verify' | 'attendance';
/** what one item of the workbench is */
export type VolunteerReviewKind = 'registration' | 'wish' | 'activity';

export const REVIEW_TAB_NAMES: Record<VolunteerReviewTab, string> = {
  registration: '志愿者注册',
  wish: '心愿审核',
  activity: '活动审核',
  verify: '核实服务',
  attendance: '活动签到与时长',
};

/** grid workers and community admins review and verify; activities are reviewed by the community admin only */
export const mayReviewVolunteers = () => hasRole(currentUser(), 'grid_worker', 'community_admin');
export const mayReviewActivities = () => hasRole(currentUser(), 'community_admin');

export function reviewTabsFor(): VolunteerReviewTab[] {
  const tabs: VolunteerReviewTab[] = ['registration', 'wish', 'activity', 'verify', 'attendance'];
  return mayReviewActivities() ? tabs : tabs.filter((t) => t !== 'activity');
}

export interface ParticipantHours {
  participationId: string;
  attended: boolean;
  hours?: number;
}

/** the server's refusals of these steps (English, for logs), in words staff can act on */
const REFUSALS: [RegExp, string][] = [
  [/registration is already/i, '该志愿者登记已审核过，请刷新后查看'],
  [/reviewed at the same time/i, '其他工作人员刚刚审核了该登记，请刷新后查看'],
  [/has already been reviewed/i, '该事项已审核过，请刷新后查看'],
  [/service has already been confirmed/i, '该服务已确认过，积分已发放'],
  [/Nobody is serving this wish/i, '该心愿目前没有志愿者在服务，无需核实'],
  [/activity has not ended/i, '活动尚未结束，请在活动结束后确认参与情况'],
  [/cannot confirm your own service/i, '您参与了这项服务，请由其他工作人员或心愿人确认'],
  [/did not sign up/i, '名单中有未报名的志愿者，请刷新后重试'],
  [/participants:/i, '请确认参加人员及时长'],
  [/a rejection needs a reason/i, '不通过时请填写原因'],
];

export function staffMessageOf(err: unknown): string {
  if (err instanceof ApiFailure) {
    const hit = REFUSALS.find(([re]) => re.test(err.serverMessage));
    if (hit) return hit[1];
    if (err.status === 403) return '您没有权限处理此事项（活动由社区管理员审核，网格员只处理本网格的事项）';
  }
  return volunteerMessageOf(err);
}

const listActivities = (
  kind: 'wish' | 'activity',
  status: VolunteerActivity['status'],
  page: number,
): Promise<Page<VolunteerActivity>> =>
  api.get<Page<VolunteerActivity>>('/volunteer/activities', {
    kind,
    status,
    page,
    pageSize: VOLUNTEER_PAGE_SIZE,
  });

export const volunteerStaffApi = {
  /** registrations of my area waiting for review, newest first */
  pendingRegistrations: (page = 1) =>
    api.get<Page<VolunteerRegistration>>('/volunteer/registrations', {
      status: 'pending',
      page,
      pageSize: VOLUNTEER_PAGE_SIZE,
    }),
  /**
   * One registration (the API lists them only): the pending ones first, then all of my area, 200 at a time.
   * Null when it is not in my area.
   */
  registration: async (id: string): Promise<VolunteerRegistration | null> => {
    for (const status of ['pending', undefined] as const) {
      for (let page = 1; page <= 20; page++) {
        const got = await api.get<Page<VolunteerRegistration>>('/volunteer/registrations', {
          ...(status ? { status } : {}),
          page,
          pageSize: 200,
        });
        const hit = got.items.find((r) => r.id === id);
        if (hit) return hit;
        if (page * 200 >= got.total) break;
      }
    }
    return null;
  },
  reviewRegistration: (id: string, approve: boolean, reason?: string) =>
    api.post<VolunteerRegistration>(`/volunteer/registrations/${id}/review`, {
      approve,
      ...(reason ? { reason } : {}),
    }),

  /** the lists of the workbench's tabs */
  list: (tab: Exclude<VolunteerReviewTab, 'registration'>, page = 1) =>
    tab === 'wish'
      ? listActivities('wish', 'pending_review', page)
      : tab === 'activity'
        ? listActivities('activity', 'pending_review', page)
        : tab === 'verify'
          ? listActivities('wish', 'claimed', page)
          : listActivities('activity', 'open', page),

  /** 社区审核: approve (a wish with its points) or reject with the reason */
  review: (id: string, body: { approve: boolean; reason?: string; points?: number }) =>
    api.post<VolunteerActivity>(`/volunteer/activities/${id}/review`, body),

  /** 社区核实服务 of a claimed wish: done (the volunteer is credited with the wish's points) or not done */
  verifyWish: (id: string, body: { done: boolean; hours?: number; comment?: string; photoIds: string[] }) =>
    api.post<VolunteerActivity>(`/volunteer/activities/${id}/confirm`, body),

  /** 确认参与并记录时长: who attended with their hours (those not attended are recorded absent) */
  confirmAttendance: (
    id: string,
    participants: ParticipantHours[],
    comment?: string,
    photoIds: string[] = [],
  ) =>
    api.post<VolunteerActivity>(`/volunteer/activities/${id}/confirm`, {
      done: true,
      participants,
      photoIds,
      ...(comment ? { comment } : {}),
    }),

  /**
   * The wish or activity a workflow case is about (a task knows only its instanceId): the case's business key
   * is the wish's or activity's id.
   */
  itemOfInstance: async (instanceId: string): Promise<{ kind: 'wish' | 'activity'; id: string }> => {
    const instance = await api.get<InstanceDetail>(`/instances/${instanceId}`);
    if (!instance.businessKey) throw new ApiFailure(404, 'not_found', '找不到该事项', 'no business key');
    return {
      kind: instance.processId === 'volunteer_activity' ? 'activity' : 'wish',
      id: instance.businessKey,
    };
  },
};
