// 待办详情: one task. A task of a repair opens the repair, where its step is done with its own form; a task to
// claim can be claimed here. Other processes get their own screens in later work.
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, View } from '@tarojs/components';
import type { Repair, Task } from '@linli/contracts';
import { currentUser, hasRole, PROCESS_NAMES, repairs, tasks } from '../../services';
import { formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { repairDetail } from '../../routes';

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
    return { task, repair: await repairOf(task) };
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
        {({ task, repair }) => (
          <>
            <View className="card">
              <View className="card-title">{task.name ?? task.activityId}</View>
              <View className="muted">{PROCESS_NAMES[task.processId] ?? task.processId}</View>
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
            {!repair && task.processId !== 'repair' && (
              <View className="muted">此类事项请在电脑端管理后台处理（小程序办理页面建设中）。</View>
            )}
          </>
        )}
      </Guard>
    </View>
  );
}
