// 待办详情: one task. A task of a repair or an application opens its own screen, where its step is done with its
// own form; a task to claim can be claimed here; a step of a process the admins designed is done here with the
// fields its diagram asks for (GenericStep).
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, View } from '@tarojs/components';
import type { Repair, Task } from '@linli/contracts';
import { currentUser, eventsApi, hasRole, PROCESS_NAMES, repairs, tasks } from '../../services';
import { formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { approvalHandleOf, eventDetail, repairDetail } from '../../routes';
import { GenericStep } from './generic-step';

async function repairOf(t: Task): Promise<Repair | null> {
  if (t.processId !== 'repair') return null;
  const view = hasRole(currentUser(), 'technician') ? 'assigned' : 'all';
  for (let page = 1; page <= 5; page++) {
    const p = await repairs.list(view, page);
    const hit = p.items.find((r) => r.instanceId === t.instanceId);
    if (hit) return hit;
    if (page * p.pageSize >= p.total) break;
  }
  return null;
}

export default function TaskDetail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    const task = await tasks.get(id);
    const [repair, processName, eventId] = await Promise.all([
      repairOf(task),
      tasks.processName(task.processId).catch(() => task.processId),
      task.processId === 'community_event' ? eventsApi.idOfInstance(task.instanceId) : null,
    ]);
    return { task, repair, processName, eventId };
  }, [id]);
  const [state, reload] = useLoader(load);
  const me = currentUser();

  const claim = async () => {
    setBusy(true);
    try {
      await tasks.claim(id);
      void Taro.showToast({ title: '已认领', icon: 'success' });
      await reload();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page" data-testid="task-detail">
      <Guard state={state} onRetry={reload}>
        {({ task, repair, processName, eventId }) => {
          // a process the admins designed (none of the app's own): its steps are done here with their form
          const custom = !(task.processId in PROCESS_NAMES);
          return (
            <>
              <View className="card">
                <View className="card-title">{task.name ?? task.activityId}</View>
                <View className="muted" data-testid="task-process">
                  {processName}
                </View>
                <View className="muted">创建：{formatTime(task.createdAt)}</View>
                {task.dueAt && <View className="muted">期限：{formatTime(task.dueAt)}</View>}
                {task.status !== 'open' && (
                  <View className="muted">已处理：{formatTime(task.completedAt)}</View>
                )}
              </View>
              {task.status === 'open' && !task.assignee && (
                <Button className="btn" id="claim-task" disabled={busy} onClick={claim}>
                  认领
                </Button>
              )}
              {repair && (
                <Button
                  className="btn"
                  id="open-repair"
                  onClick={() => Taro.navigateTo({ url: repairDetail(repair.id) })}
                >
                  {task.assignee === me?.id && task.status === 'open' ? '去处理报修单' : '查看报修单'}
                </Button>
              )}
              {task.processId === 'approval' && (
                <Button
                  className="btn"
                  id="open-approval"
                  onClick={() => Taro.navigateTo({ url: approvalHandleOf(task.instanceId) })}
                >
                  {task.status === 'open' ? '去办理办件' : '查看办件'}
                </Button>
              )}
              {eventId && (
                <Button
                  className="btn"
                  id="open-event"
                  onClick={() => Taro.navigateTo({ url: eventDetail(eventId) })}
                >
                  {task.status === 'open' ? '去处理事件' : '查看事件'}
                </Button>
              )}
              {custom && task.status === 'open' && (!task.assignee || task.assignee === me?.id) && (
                <GenericStep task={task} onDone={reload} />
              )}
              {!custom &&
                !repair &&
                !eventId &&
                task.processId !== 'repair' &&
                task.processId !== 'approval' && (
                  <View className="muted">此类事项请在电脑端管理后台处理（小程序办理页面建设中）。</View>
                )}
            </>
          );
        }}
      </Guard>
    </View>
  );
}
