// The staff task inbox (待办): tasks assigned to me, to claim, copied to me, done by me.
import type { Definition, Task } from '@linli/contracts';
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
};

export const tasks = {
  list: (view: TaskView, page = 1, pageSize = 20) => api.get<Page<Task>>('/tasks', { view, page, pageSize }),
  get: (id: string) => api.get<Task>(`/tasks/${id}`),
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
  async counts(): Promise<Record<TaskView, number>> {
    const views: TaskView[] = ['assigned', 'candidate', 'cc', 'done'];
    const pages = await Promise.all(views.map((v) => tasks.list(v, 1, 1)));
    return Object.fromEntries(views.map((v, i) => [v, pages[i]!.total])) as Record<TaskView, number>;
  },
};
