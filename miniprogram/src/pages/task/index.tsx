// 待办详情: one task. A task of one of the app's own processes (repair, application, event, mediation, volunteer
// review, alert) opens its own screen, where its step is done with its own form; a task to claim can be claimed here; a step of a process the admins designed is done here with the
// fields its diagram asks for (GenericStep). The holder of an open task has 更多操作 (退回, 转办, 请人协助, 抄送:
// TaskOps); a colleague asked to help (委派) sees 完成协助 (HelpCard) instead of completing it.
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, View } from '@tarojs/components';
import type { Me, Repair, Task } from '@linli/contracts';
import { currentUser, eventsApi, hasRole, messageOf, PROCESS_NAMES, repairs, tasks } from '../../services';
import { formatTime, Guard } from '../../components/ui';
import { HelpCard, TaskOps, type TaskChoices, type TaskOp } from '../../components/task-ops';
import { toastError, useLoader } from '../../components/use-loader';
import {
  alertDetail,
  approvalHandleOf,
  disputeHandleOf,
  eventDetail,
  repairDetail,
  TASKS_PAGE,
  volunteerReview,
} from '../../routes';
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

/** who I am to an open task: its holder, the colleague asked to help, the one waiting for that help, or none */
function roleIn(task: Task, me: Me | null): 'holder' | 'helper' | 'waiting' | null {
  if (task.status !== 'open' || !me) return null;
  const pending = task.delegationState === 'pending';
  if (task.assignee === me.id) return pending ? 'helper' : 'holder';
  if (pending && task.owner === me.id) return 'waiting';
  return null;
}

/**
 * What the holder may do besides completing: 退回 only to a step the case already went through, and only on steps
 * of processes the admins designed (the app's own processes return on their own screens, and the server refuses
 * the generic one); a repair changes hands in 派单台, not here.
 */
function opsFor(task: Task, choices: TaskChoices): TaskOp[] {
  const ops: TaskOp[] = [];
  if (choices.targets.length) ops.push('return');
  if (task.processId !== 'repair') ops.push('transfer', 'delegate');
  ops.push('cc');
  return ops;
}

async function choicesOf(task: Task, custom: boolean): Promise<TaskChoices> {
  try {
    const [receivers, targets] = await Promise.all([
      tasks.receivers(task.id),
      custom ? tasks.returnTargets(task.id) : [],
    ]);
    return { receivers, targets };
  } catch (err) {
    return { receivers: [], targets: [], error: messageOf(err) };
  }
}

export default function TaskDetail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    const task = await tasks.get(id);
    const [repair, processName, eventId, alertId] = await Promise.all([
      repairOf(task),
      tasks.processName(task.processId).catch(() => task.processId),
      task.processId === 'community_event' ? eventsApi.idOfInstance(task.instanceId) : null,
      task.processId === 'alert-handling' ? tasks.businessKeyOf(task.instanceId) : null,
    ]);
    const custom = !(task.processId in PROCESS_NAMES);
    const choices = roleIn(task, currentUser())
      ? await choicesOf(task, custom)
      : { receivers: [], targets: [] };
    return { task, repair, processName, eventId, alertId, choices };
  }, [id]);
  const [state, reload] = useLoader(load);
  const me = currentUser();
  // the task left my hands here (转办, 退回, 完成协助): say where it went rather than show what I may no longer read
  const [left, setLeft] = useState('');
  // while an operation's form is open (更多操作), the step's own form is set aside
  const [choosing, setChoosing] = useState<TaskOp | null>(null);

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

  if (left)
    return (
      <View className="page" data-testid="task-detail">
        <View className="card" data-testid="task-left">
          <View className="card-title">已处理</View>
          <View>{left}</View>
        </View>
        <Button
          className="btn btn-secondary"
          id="back-to-tasks"
          onClick={() => Taro.switchTab({ url: TASKS_PAGE })}
        >
          返回待办
        </Button>
      </View>
    );

  return (
    <View className="page" data-testid="task-detail">
      <Guard state={state} onRetry={reload}>
        {({ task, repair, processName, eventId, alertId, choices }) => {
          // a process the admins designed (none of the app's own): its steps are done here with their form
          const custom = !(task.processId in PROCESS_NAMES);
          const role = roleIn(task, me);
          const nameOf = (userId: string | null) =>
            choices.receivers.find((r) => r.id === userId)?.displayName ?? '';
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
              {role === 'helper' && <HelpCard task={task} ownerName={nameOf(task.owner)} onLeft={setLeft} />}
              {role === 'waiting' && (
                <View className="card" data-testid="waiting-help">
                  <View className="card-title">请人协助中</View>
                  <View className="muted">
                    已请{nameOf(task.assignee) || '同事'}协助办理，对方完成协助后任务会回到您这里。
                  </View>
                </View>
              )}
              {custom && task.status === 'open' && (!task.assignee || role === 'holder') && !choosing && (
                <GenericStep task={task} onDone={reload} />
              )}
              {role === 'holder' && (
                <TaskOps
                  task={task}
                  ops={opsFor(task, choices)}
                  choices={choices}
                  onRetry={reload}
                  onLeft={setLeft}
                  onChanged={reload}
                  onChoose={setChoosing}
                />
              )}
              {/* the app's own processes are worked on their own screens */}
              {(task.processId === 'volunteer_wish' || task.processId === 'volunteer_activity') && (
                <Button
                  className="btn"
                  id="open-volunteer"
                  onClick={() => Taro.navigateTo({ url: volunteerReview('instance', task.instanceId) })}
                >
                  {task.status === 'open' ? '去办理' : '查看事项'}
                </Button>
              )}
              {task.processId === 'dispute_mediation' && (
                <Button
                  className="btn"
                  id="open-dispute"
                  onClick={() => Taro.navigateTo({ url: disputeHandleOf(task.instanceId) })}
                >
                  {task.status === 'open' ? '去办理调解' : '查看调解案件'}
                </Button>
              )}
              {alertId && (
                <Button
                  className="btn"
                  id="open-alert"
                  onClick={() => Taro.navigateTo({ url: alertDetail(alertId) })}
                >
                  {task.status === 'open' ? '去处置告警' : '查看告警'}
                </Button>
              )}
            </>
          );
        }}
      </Guard>
    </View>
  );
}
