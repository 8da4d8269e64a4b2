// A step's form (the fields its diagram asks for, camunda:formData): rendered from the task's field list, checked
// here the way the server checks it (so a worker learns at once what is missing), and sent as the completion's
// variables. The server has the last word: its per-field problems come back beside the fields.
import { useState } from 'react';
import { Input, Picker, Switch, Text, Textarea, View } from '@tarojs/components';
import type { TaskFormField } from '@linli/contracts';

export type FormValues = Record<string, string | boolean>;

/** the values a form starts with: the modelled defaults */
export function initialValues(fields: readonly TaskFormField[]): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    if (f.type === 'boolean') values[f.id] = f.defaultValue === 'true';
    else values[f.id] = f.defaultValue ?? '';
  }
  return values;
}

const nameOf = (f: TaskFormField) => f.label ?? f.id;

/** What is wrong with each field (Chinese, for the worker), by field id; empty when the form can be sent. */
export function formProblems(fields: readonly TaskFormField[], values: FormValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const f of fields) {
    if (f.readonly || f.type === 'boolean') continue;
    const text = String(values[f.id] ?? '').trim();
    if (!text) {
      if (f.required) problems[f.id] = `请填写${nameOf(f)}`;
      continue;
    }
    if (f.type === 'long') {
      if (!/^-?\d+$/.test(text)) problems[f.id] = `${nameOf(f)}须为整数`;
      else if (f.min !== null && Number(text) < f.min) problems[f.id] = `${nameOf(f)}不能小于 ${f.min}`;
      else if (f.max !== null && Number(text) > f.max) problems[f.id] = `${nameOf(f)}不能大于 ${f.max}`;
    } else if (f.type === 'string') {
      if (f.minLength !== null && text.length < f.minLength)
        problems[f.id] = `${nameOf(f)}至少 ${f.minLength} 个字`;
      else if (f.maxLength !== null && text.length > f.maxLength)
        problems[f.id] = `${nameOf(f)}最多 ${f.maxLength} 个字`;
    }
  }
  return problems;
}

/** The completion's variables: numbers as numbers, empty optional fields left out, read-only ones never sent. */
export function formVariables(fields: readonly TaskFormField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.readonly) continue;
    const value = values[f.id];
    if (f.type === 'boolean') out[f.id] = value === true;
    else if (typeof value === 'string' && value.trim())
      out[f.id] = f.type === 'long' ? Number(value.trim()) : value.trim();
  }
  return out;
}

export function TaskForm({
  fields,
  values,
  onChange,
  problems,
}: {
  fields: readonly TaskFormField[];
  values: FormValues;
  onChange: (values: FormValues) => void;
  /** shown under each field, by field id */
  problems: Record<string, string>;
}) {
  const set = (id: string, value: string | boolean) => onChange({ ...values, [id]: value });
  return (
    <View data-testid="task-form">
      {fields.map((f) => {
        const value = values[f.id];
        const text = typeof value === 'string' ? value : '';
        const inputId = `form-${f.id}`;
        return (
          <View key={f.id} className="field" data-testid={`form-field-${f.id}`}>
            <View className="label">
              {nameOf(f)}
              {f.required && !f.readonly && <Text className="required-mark"> *</Text>}
            </View>
            {f.readonly ? (
              <View className="muted">{f.type === 'boolean' ? (value ? '是' : '否') : text || '—'}</View>
            ) : f.type === 'enum' ? (
              <View className="chips">
                {f.values.map((v) => (
                  <View
                    key={v.id}
                    id={`${inputId}-${v.id}`}
                    className={`chip ${value === v.id ? 'chip-on' : ''}`}
                    onClick={() => set(f.id, v.id)}
                  >
                    {v.name}
                  </View>
                ))}
              </View>
            ) : f.type === 'boolean' ? (
              <Switch
                id={inputId}
                checked={value === true}
                color="#1a7f5a"
                onChange={(e) => set(f.id, e.detail.value)}
              />
            ) : f.type === 'date' ? (
              <Picker mode="date" value={text} onChange={(e) => set(f.id, e.detail.value)}>
                <View className="input" id={inputId}>
                  <Text className={text ? '' : 'muted'}>{text || '选择日期'}</Text>
                </View>
              </Picker>
            ) : f.type === 'long' ? (
              <Input
                className="input"
                id={inputId}
                type="number"
                value={text}
                placeholder={f.min !== null && f.max !== null ? `${f.min}–${f.max}` : '请输入整数'}
                onInput={(e) => set(f.id, e.detail.value)}
              />
            ) : (f.maxLength ?? 0) > 60 ? (
              <Textarea
                className="textarea"
                id={inputId}
                value={text}
                maxlength={f.maxLength ?? -1}
                placeholder={`请填写${nameOf(f)}`}
                onInput={(e) => set(f.id, e.detail.value)}
              />
            ) : (
              <Input
                className="input"
                id={inputId}
                value={text}
                maxlength={f.maxLength ?? 140}
                placeholder={`请填写${nameOf(f)}`}
                onInput={(e) => set(f.id, e.detail.value)}
              />
            )}
            {problems[f.id] && (
              <View className="field-error" data-testid={`form-error-${f.id}`}>
                {problems[f.id]}
              </View>
            )}
          </View>
        );
      })}
    </View>
  );
}

/** Keeps a form's values and problems together for a page. */
export function useTaskForm(fields: readonly TaskFormField[]) {
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [problems, setProblems] = useState<Record<string, string>>({});
  return { values, setValues, problems, setProblems };
}
