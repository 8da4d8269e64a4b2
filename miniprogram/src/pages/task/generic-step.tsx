// A step of a process the admins designed themselves (no screens of its own in the app): the fields its diagram
// asks for (camunda:formData), an opinion, and 办理完成. The form is checked here first; what the server still
// refuses comes back beside its field.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Textarea, View } from '@tarojs/components';
import type { Task } from '@linli/contracts';
import { ApiFailure, tasks } from '../../services';
import { formProblems, formVariables, TaskForm, useTaskForm } from '../../components/task-form';
import { toastError } from '../../components/use-loader';

interface FieldProblem {
  field: string;
  message: string;
}

function serverProblems(err: unknown): Record<string, string> | null {
  if (!(err instanceof ApiFailure) || err.id !== 'invalid_form') return null;
  const fields = (err.details as { fields?: FieldProblem[] } | undefined)?.fields ?? [];
  return Object.fromEntries(fields.map((f) => [f.field, '此项填写有误，请检查']));
}

export function GenericStep({ task, onDone }: { task: Task; onDone: () => Promise<void> }) {
  const fields = task.form ?? [];
  const { values, setValues, problems, setProblems } = useTaskForm(fields);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const found = formProblems(fields, values);
    setProblems(found);
    if (Object.keys(found).length) {
      void Taro.showToast({ title: Object.values(found)[0]!, icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      await tasks.complete(task.id, {
        variables: formVariables(fields, values),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      void Taro.showToast({ title: '已办理', icon: 'success' });
      await onDone();
    } catch (err) {
      const refused = serverProblems(err);
      if (refused) setProblems(refused);
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="card" data-testid="generic-step">
      <View className="card-title">办理</View>
      {fields.length > 0 && (
        <TaskForm fields={fields} values={values} onChange={setValues} problems={problems} />
      )}
      <View className="field">
        <View className="label">办理意见（可选）</View>
        <Textarea
          className="textarea"
          id="step-comment"
          value={comment}
          maxlength={2000}
          placeholder="填写办理情况，会记入流程记录"
          onInput={(e) => setComment(e.detail.value)}
        />
      </View>
      <Button className="btn" id="complete-step" disabled={busy} onClick={submit}>
        {busy ? '正在提交…' : '办理完成'}
      </Button>
    </View>
  );
}
