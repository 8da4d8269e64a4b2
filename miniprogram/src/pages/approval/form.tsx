// The parts the approval pages share: an item's form fields rendered by their type, a photo picker per
// material, the state tag and the timeline.
import { Input, Picker, Text, View } from '@tarojs/components';
import type { ApprovalSummary, FormField, Material, Timeline } from '@linli/contracts';
import {
  APPROVAL_OUTCOME_NAMES,
  APPROVAL_STEP_NAMES,
  APPROVAL_TIMELINE_NAMES,
  isApprovalDone,
  uploadPhotos,
  type FormValues,
  type MaterialUpload,
  type PickedPhoto,
} from '../../services';
import { formatTime, PhotoPicker } from '../../components/ui';
import './approval.css';

export const MAX_MATERIAL_PHOTOS = 9;

/** finished: grey; waiting for the applicant (补正) or overdue: amber; under way: green */
export function stateTagClass(a: ApprovalSummary): string {
  if (isApprovalDone(a)) return 'tag tag-done';
  return a.state === 'supplement' || a.overdue ? 'tag tag-warn' : 'tag';
}

const PLACEHOLDERS: Record<FormField['type'], string> = {
  text: '请填写',
  number: '请填写数字',
  date: '请选择日期',
  select: '',
  idNumber: '18 位身份证号',
  phone: '11 位手机号',
};

const today = () => new Date().toISOString().slice(0, 10);

/** one input per field, by its type; ids are `field-<key>` (options: `field-<key>-<n>`) */
export function FormFields({
  fields,
  values,
  onChange,
}: {
  fields: FormField[];
  values: FormValues;
  onChange: (key: string, value: string) => void;
}) {
  return (
    <>
      {fields.map((f) => {
        const value = values[f.key] === undefined ? '' : String(values[f.key]);
        return (
          <View className="field" key={f.key} data-testid="form-field">
            <View className="label">
              {f.label}
              {f.required ? <Text className="required"> *</Text> : <Text className="muted">（选填）</Text>}
            </View>
            {f.type === 'select' && (
              <View className="chips">
                {(f.options ?? []).map((o, i) => (
                  <View
                    key={o}
                    id={`field-${f.key}-${i}`}
                    className={`chip ${value === o ? 'chip-on' : ''}`}
                    onClick={() => onChange(f.key, o)}
                  >
                    {o}
                  </View>
                ))}
              </View>
            )}
            {f.type === 'date' && (
              <Picker
                mode="date"
                value={value || today()}
                onChange={(e) => onChange(f.key, String(e.detail.value))}
              >
                <View className="input" id={`field-${f.key}`}>
                  <Text className={value ? '' : 'muted'}>{value || PLACEHOLDERS.date}</Text>
                </View>
              </Picker>
            )}
            {f.type !== 'select' && f.type !== 'date' && (
              <Input
                className="input"
                id={`field-${f.key}`}
                value={value}
                type={
                  f.type === 'number'
                    ? 'digit'
                    : f.type === 'phone'
                      ? 'number'
                      : f.type === 'idNumber'
                        ? 'idcard'
                        : 'text'
                }
                maxlength={f.type === 'phone' ? 11 : f.type === 'idNumber' ? 18 : 500}
                placeholder={PLACEHOLDERS[f.type]}
                onInput={(e) => onChange(f.key, e.detail.value)}
              />
            )}
            {f.help && <View className="muted">{f.help}</View>}
          </View>
        );
      })}
    </>
  );
}

/** a photo grid per material; `photos` by material name */
export function MaterialPhotos({
  materials,
  photos,
  onChange,
}: {
  materials: Material[];
  photos: Record<string, PickedPhoto[]>;
  onChange: (name: string, photos: PickedPhoto[]) => void;
}) {
  return (
    <>
      {materials.map((m, i) => (
        <View className="field" key={m.name} data-testid="material">
          <View className="label">
            {m.name}
            {m.required ? <Text className="required"> *</Text> : <Text className="muted">（选填）</Text>}
          </View>
          {m.example && <View className="muted">{m.example}</View>}
          <PhotoPicker
            photos={photos[m.name] ?? []}
            onChange={(p) => onChange(m.name, p)}
            max={MAX_MATERIAL_PHOTOS}
            addId={`material-add-${i}`}
            addLabel="+ 拍照/相册"
            testid="material-photo"
          />
        </View>
      ))}
    </>
  );
}

/** the first required material without a photo, as a message, or '' */
export function missingMaterial(materials: Material[], photos: Record<string, PickedPhoto[]>): string {
  const m = materials.find((x) => x.required && !(photos[x.name]?.length ?? 0));
  return m ? `请上传材料：${m.name}` : '';
}

/** uploads the photos of each material, in the item's order */
export async function uploadMaterials(
  materials: Material[],
  photos: Record<string, PickedPhoto[]>,
  progress: (text: string) => void,
): Promise<MaterialUpload[]> {
  const out: MaterialUpload[] = [];
  for (const m of materials) {
    const picked = photos[m.name] ?? [];
    if (!picked.length) continue;
    progress(`正在上传：${m.name}…`);
    out.push({ name: m.name, fileIds: await uploadPhotos(picked, m.name, progress) });
  }
  return out;
}

/** what an open case waits for, as its last timeline line */
export function waitingFor(a: ApprovalSummary): string | undefined {
  if (isApprovalDone(a)) return undefined;
  if (a.state === 'supplement') return '等待申请人补正材料（办理时限暂停计算）';
  const step = APPROVAL_STEP_NAMES[a.state];
  return step ? `等待${step}` : undefined;
}

/** the case's progress, oldest first: the steps done with what they decided, the approval's own events, and the
 * step it waits for (the runtime's bookkeeping — timers started, gateways, task claims — is left out) */
export function ApprovalTimeline({ timeline, waiting }: { timeline: Timeline | null; waiting?: string }) {
  const entries = (timeline?.entries ?? []).filter(
    (t) => t.kind === 'task.completed' || APPROVAL_TIMELINE_NAMES[t.kind] !== undefined,
  );
  return (
    <View className="card" data-testid="approval-timeline">
      <View className="card-title">办理进度</View>
      {!entries.length && <View className="muted">暂无进度</View>}
      {entries.map((t, i) => {
        const outcome = t.outcome ? APPROVAL_OUTCOME_NAMES[t.outcome] : undefined;
        const title =
          t.kind === 'task.completed'
            ? `${t.activityName ?? '办理'}${outcome ? `：${outcome}` : ''}`
            : t.kind === 'task.returned'
              ? `退回${t.activityName ? `（${t.activityName}）` : ''}`
              : APPROVAL_TIMELINE_NAMES[t.kind]!;
        return (
          <View key={i} className="timeline-entry" data-testid="timeline-entry">
            <View className="timeline-dot" />
            <View>{title}</View>
            {t.comment && <View className="muted">{t.comment}</View>}
            <View className="muted">
              {formatTime(t.at)}
              {t.actor ? ` · ${t.actor.name}` : ''}
            </View>
          </View>
        );
      })}
      {waiting && (
        <View className="timeline-entry" data-testid="timeline-waiting">
          <View className="timeline-dot" />
          <View className="muted">{waiting}</View>
        </View>
      )}
    </View>
  );
}
