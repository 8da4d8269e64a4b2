// What a worker can do with a task they hold besides completing it (更多操作): 退回 to an earlier step with the
// reason, 转办 to a colleague, 请人协助 (委派: it comes back to them), 抄送 to colleagues. The colleagues and the
// earlier steps are the server's (GET /tasks/:id/receivers, /return-targets): only people and steps it accepts.
// The delegate of a task sees HelpCard (完成协助) instead.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import type { ReturnTarget, Task, TaskReceiver } from '@linli/contracts';
import { operationMessageOf, ROLE_NAMES, tasks } from '../services';
import { Empty, ErrorState, formatTime } from './ui';
import './task-ops.css';

export type TaskOp = 'return' | 'transfer' | 'delegate' | 'cc';

const OPS: Record<TaskOp, { name: string; hint: string; pick: string; text: string; done: string }> = {
  return: {
    name: '退回',
    hint: '退回到此前的步骤重新办理',
    pick: '退回到哪一步',
    text: '退回原因（必填）',
    done: '已退回',
  },
  transfer: {
    name: '转办',
    hint: '交给同事办理，之后由对方负责',
    pick: '转办给',
    text: '转办说明（可选）',
    done: '已转办',
  },
  delegate: {
    name: '请人协助',
    hint: '委派同事协助，完成后回到您这里',
    pick: '请谁协助',
    text: '协助事项（可选）',
    done: '已请人协助',
  },
  cc: {
    name: '抄送',
    hint: '让同事知悉此事项（可多选）',
    pick: '抄送给（可多选）',
    text: '抄送说明（可选）',
    done: '已抄送',
  },
};

export interface TaskChoices {
  receivers: TaskReceiver[];
  targets: ReturnTarget[];
  /** why the lists could not be read (the sheet offers 重试) */
  error?: string;
}

const rolesOf = (r: TaskReceiver) => r.roles.map((role) => ROLE_NAMES[role] ?? role).join('、');

function ReceiverRow({
  r,
  on,
  multi,
  onPick,
}: {
  r: TaskReceiver;
  on: boolean;
  multi: boolean;
  onPick: () => void;
}) {
  return (
    <View
      className={`row ops-pick ${on ? 'ops-pick-on' : ''}`}
      id={`receiver-${r.id}`}
      data-testid="receiver-row"
      data-name={r.displayName}
      onClick={onPick}
    >
      <View className="row-main">
        <View className="row-title">
          {multi ? (on ? '☑ ' : '☐ ') : on ? '◉ ' : '○ '}
          {r.displayName}
        </View>
        <View className="muted">
          {rolesOf(r)} · {r.orgUnitName}
        </View>
      </View>
    </View>
  );
}

/**
 * 更多操作 and the form of the chosen operation. `ops` are the operations the task allows here; `onLeft` is told
 * when the task is no longer the worker's (转办, 退回), `onChanged` when it is still theirs to look at.
 */
export function TaskOps({
  task,
  ops,
  choices,
  onRetry,
  onLeft,
  onChanged,
  onChoose,
}: {
  task: Task;
  ops: TaskOp[];
  choices: TaskChoices;
  onRetry: () => void;
  onLeft: (message: string) => void;
  onChanged: () => Promise<void>;
  /** told which operation's form is open (null: none), so the page can set its own form aside meanwhile */
  onChoose?: (op: TaskOp | null) => void;
}) {
  const [sheet, setSheet] = useState(false);
  const [op, setOpState] = useState<TaskOp | null>(null);
  const setOp = (next: TaskOp | null) => {
    setOpState(next);
    onChoose?.(next);
  };
  const [picked, setPicked] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  if (!ops.length) return null;

  const choose = (next: TaskOp) => {
    setSheet(false);
    setOp(next);
    setPicked([]);
    setText('');
    setProblem('');
  };
  const pick = (id: string) => {
    setProblem('');
    if (op === 'cc') setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
    else setPicked([id]);
  };
  const nameOf = (id: string) => choices.receivers.find((r) => r.id === id)?.displayName ?? '';

  const submit = async () => {
    if (!op) return;
    const reason = text.trim();
    if (!picked.length) {
      setProblem(op === 'return' ? '请选择要退回到的步骤' : '请选择同事');
      return;
    }
    if (op === 'return' && !reason) {
      setProblem('请填写退回原因');
      return;
    }
    setBusy(true);
    try {
      const first = picked[0]!;
      if (op === 'return') {
        await tasks.returnTo(task.id, first, reason);
        const step = choices.targets.find((t) => t.activityId === first);
        void Taro.showToast({ title: OPS.return.done, icon: 'success' });
        onLeft(`已退回到「${step?.name ?? first}」，退回原因已记入流程记录。`);
      } else if (op === 'transfer') {
        await tasks.transfer(task.id, first, reason || undefined);
        void Taro.showToast({ title: OPS.transfer.done, icon: 'success' });
        onLeft(`已转办给 ${nameOf(first)}，此任务今后由对方办理。`);
      } else if (op === 'delegate') {
        await tasks.delegate(task.id, first, reason || undefined);
        void Taro.showToast({ title: OPS.delegate.done, icon: 'success' });
        setOp(null);
        await onChanged();
      } else {
        await tasks.cc(task.id, picked, reason || undefined);
        void Taro.showToast({ title: `${OPS.cc.done} ${picked.length} 人`, icon: 'success' });
        setOp(null);
        await onChanged();
      }
    } catch (err) {
      setProblem(operationMessageOf(err));
      void Taro.showToast({ title: operationMessageOf(err), icon: 'none', duration: 3000 });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {!op && (
        <Button className="btn btn-secondary" id="more-ops" onClick={() => setSheet(true)}>
          更多操作
        </Button>
      )}
      {op && (
        <View className="card" data-testid="op-panel" data-op={op}>
          <View className="card-title">{OPS[op].name}</View>
          <View className="label">{OPS[op].pick}</View>
          {choices.error ? (
            <ErrorState message={choices.error} onRetry={onRetry} />
          ) : op === 'return' ? (
            choices.targets.map((t) => {
              const on = picked.includes(t.activityId);
              return (
                <View
                  key={t.activityId}
                  className={`row ops-pick ${on ? 'ops-pick-on' : ''}`}
                  id={`target-${t.activityId}`}
                  data-testid="target-row"
                  onClick={() => pick(t.activityId)}
                >
                  <View className="row-main">
                    <View className="row-title">
                      {on ? '◉ ' : '○ '}
                      {t.name ?? t.activityId}
                    </View>
                    <View className="muted">
                      {t.completedByName ? `${t.completedByName} 办理` : '已办理'}
                      {t.completedAt ? ` · ${formatTime(t.completedAt)}` : ''}
                    </View>
                  </View>
                </View>
              );
            })
          ) : choices.receivers.length === 0 ? (
            <Empty text="此事项所在区域没有其他可以办理的同事。" />
          ) : (
            choices.receivers.map((r) => (
              <ReceiverRow
                key={r.id}
                r={r}
                on={picked.includes(r.id)}
                multi={op === 'cc'}
                onPick={() => pick(r.id)}
              />
            ))
          )}
          <View className="field ops-field">
            <View className="label">{OPS[op].text}</View>
            <Textarea
              className="textarea"
              id="op-text"
              value={text}
              maxlength={500}
              placeholder={op === 'return' ? '说明退回的原因，对方会看到' : '可以留言给对方'}
              onInput={(e) => {
                setText(e.detail.value);
                setProblem('');
              }}
            />
          </View>
          {problem && (
            <View className="field-error" data-testid="op-error">
              {problem}
            </View>
          )}
          <Button className="btn" id="op-submit" disabled={busy} onClick={submit}>
            {busy ? '正在提交…' : `确认${OPS[op].name}`}
          </Button>
          <Button className="btn btn-secondary" id="op-cancel" disabled={busy} onClick={() => setOp(null)}>
            取消
          </Button>
        </View>
      )}
      {sheet && (
        <View className="ops-mask" data-testid="ops-sheet" onClick={() => setSheet(false)}>
          <View className="ops-sheet" onClick={(e) => e.stopPropagation()}>
            <View className="ops-sheet-title">更多操作</View>
            {ops.map((o) => (
              <View key={o} className="ops-item" id={`op-${o}`} onClick={() => choose(o)}>
                <Text className="ops-item-name">{OPS[o].name}</Text>
                <Text className="ops-item-hint">{OPS[o].hint}</Text>
              </View>
            ))}
            <View className="ops-item ops-cancel" id="ops-close" onClick={() => setSheet(false)}>
              <Text className="ops-item-name">取消</Text>
            </View>
          </View>
        </View>
      )}
    </>
  );
}

/** 完成协助: the delegate of a task hands it back, with what they found. */
export function HelpCard({
  task,
  ownerName,
  onLeft,
}: {
  task: Task;
  ownerName: string;
  onLeft: (message: string) => void;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await tasks.resolve(task.id, comment.trim() || undefined);
      void Taro.showToast({ title: '已完成协助', icon: 'success' });
      onLeft(`已完成协助，任务已交回${ownerName ? ` ${ownerName}` : '委派人'}继续办理。`);
    } catch (err) {
      void Taro.showToast({ title: operationMessageOf(err), icon: 'none', duration: 3000 });
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="help-card">
      <View className="card-title">协助办理</View>
      <View className="muted ops-note">
        {ownerName || '同事'}请您协助办理此任务。协助完成后，任务回到对方手中，由对方办结。
      </View>
      <View className="field">
        <View className="label">协助情况（可选）</View>
        <Textarea
          className="textarea"
          id="help-comment"
          value={comment}
          maxlength={2000}
          placeholder="填写协助办理的情况，对方会看到"
          onInput={(e) => setComment(e.detail.value)}
        />
      </View>
      <Button className="btn" id="resolve-help" disabled={busy} onClick={submit}>
        {busy ? '正在提交…' : '完成协助'}
      </Button>
    </View>
  );
}
