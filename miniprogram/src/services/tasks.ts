// The staff task inbox (待办): tasks assigned to me, to claim, copied to me, done by me.
import type { Definition, InstanceDetail, ReturnTarget, Task, TaskReceiver } from '@linli/contracts';
import { ApiFailure } from './errors';
import { api } from './http';
import type { Page } from './types';

export type TaskView = 'assigned' | 'candidate' | 'cc' | 'done';

export const VIEW_NAMES: Record<TaskView, string> = {
  assigned: '待办',
  candidate: '待认领',
  cc: '抄送我',
  done: '已办',
};

export const PROCESS_NAMES: Record<string, string> = {
  repair: '物业报修',
  approval: '事项代办',
  dispute_mediation: '矛盾调解',
  community_event: '事件处置',
  volunteer_wish: '微心愿',
  volunteer_activity: '志愿活动',
  'alert-handling': '告警处置',
};

export const tasks = {
  list: (view: TaskView, page = 1, pageSize = 20) => api.get<Page<Task>>('/tasks', { view, page, pageSize }),
  get: (id: string) => api.get<Task>(`/tasks/${id}`),
  /** the business key of a task's case (an alert case's is the alert id) */
  businessKeyOf: async (instanceId: string) =>
    (await api.get<InstanceDetail>(`/instances/${instanceId}`)).businessKey,
  claim: (id: string) => api.post<Task>(`/tasks/${id}/claim`, {}),
  /** the name of a process the admins designed (the app knows its own processes' names) */
  async processName(processId: string): Promise<string> {
    if (PROCESS_NAMES[processId]) return PROCESS_NAMES[processId];
    const page = await api.get<Page<Definition>>('/definitions', { processId, pageSize: 1 });
    return page.items[0]?.name ?? processId;
  },
  /** complete a step of a process without its own screens (its form's values as variables) */
  complete: (id: string, body: { variables?: Record<string, unknown>; comment?: string }) =>
    api.post<Task>(`/tasks/${id}/complete`, body),
  /** colleagues this task may be handed or copied to (转办, 委派, 抄送): staff working where its case is */
  receivers: (id: string) => api.get<TaskReceiver[]>(`/tasks/${id}/receivers`),
  /** the earlier steps of the case this task may be sent back to (退回); [] on the first step */
  returnTargets: (id: string) => api.get<ReturnTarget[]>(`/tasks/${id}/return-targets`),
  /** 转办: hand the task to a colleague for good */
  transfer: (id: string, to: string, reason?: string) =>
    api.post<Task>(`/tasks/${id}/transfer`, { to, ...(reason ? { reason } : {}) }),
  /** 请人协助（委派）: a colleague does the work, then the task comes back to me */
  delegate: (id: string, to: string, note?: string) =>
    api.post<Task>(`/tasks/${id}/delegate`, { to, ...(note ? { note } : {}) }),
  /** 完成协助: the delegate hands the task back to whoever asked */
  resolve: (id: string, comment?: string) =>
    api.post<Task>(`/tasks/${id}/resolve`, comment ? { comment } : {}),
  /** 退回: send the case back to an earlier step, with the reason */
  returnTo: (id: string, activityId: string, reason: string) =>
    api.post<InstanceDetail>(`/tasks/${id}/return`, { activityId, reason }),
  /** 抄送: let colleagues read the task */
  cc: (id: string, users: string[], note?: string) =>
    api.post<void>(`/tasks/${id}/cc`, { users, ...(note ? { note } : {}) }),
  async counts(): Promise<Record<TaskView, number>> {
    const views: TaskView[] = ['assigned', 'candidate', 'cc', 'done'];
    const pages = await Promise.all(views.map((v) => tasks.list(v, 1, 1)));
    return Object.fromEntries(views.map((v, i) => [v, pages[i]!.total])) as Record<TaskView, number>;
  },
};

/** The server's refusals of a task operation (English for logs), said in Chinese for the worker. */
const OPERATION_REFUSALS: [RegExp, string][] = [
  [/does not work on tasks where this case is/, '对方不负责该事项所在的区域，不能交给他'],
  [/the generic \w+ does not apply/, '此类事项的这一步请在它的办理页面处理，这里不能操作'],
  [/already theirs/, '该任务已经在对方手中'],
  [/already delegated/, '该任务正在请人协助中，请等对方完成'],
  [/earlier step|has not been through/, '只能退回到此前已经办理过的步骤'],
  [/Only the (person holding|delegate)/, '只有当前办理人才能这样操作'],
  [/already (completed|cancelled)/, '该任务已经办结或被退回，请刷新'],
];

/** a failed task operation in words the worker can act on (the server's reason when it gave one) */
export function operationMessageOf(err: unknown): string {
  if (!(err instanceof ApiFailure)) return '出了点问题，请稍后再试';
  const hit = OPERATION_REFUSALS.find(([pattern]) => pattern.test(err.serverMessage));
  return hit ? hit[1] : err.userMessage;
}
