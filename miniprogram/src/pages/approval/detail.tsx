// 办件详情: one of my applications: its state, number and time limit (the clock stops while I supplement),
// what I filled in (ID numbers and phones masked by the server), my materials, the result (the document when
// approved, the reason when refused), the progress; 补正 when pre-review asks for something, and 评价 once it
// is concluded.
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import type { ApprovalDetail, ApprovalItem, Timeline } from '@linli/contracts';
import {
  APPROVAL_STATE_NAMES,
  approvalsApi,
  checkApprovalForm,
  currentUser,
  formFieldsOf,
  formPayload,
  hasRole,
  isApprovalDone,
  isStaff,
  type FormValues,
  type PickedPhoto,
} from '../../services';
import { FilePhotos, formatTime, Guard, Stars } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { approvalHandle } from '../../routes';
import {
  ApprovalTimeline,
  FormFields,
  MaterialPhotos,
  missingMaterial,
  stateTagClass,
  uploadMaterials,
  waitingFor,
} from './form';

interface Loaded {
  a: ApprovalDetail;
  item: ApprovalItem | null;
  timeline: Timeline | null;
}

/** the form's values with the item's labels, in the item's order (keys it no longer has come last) */
function formRows(a: ApprovalDetail, item: ApprovalItem | null): { label: string; value: string }[] {
  const fields = item ? formFieldsOf(item) : [];
  const keys = [
    ...fields.map((f) => f.key),
    ...Object.keys(a.form).filter((k) => !fields.some((f) => f.key === k)),
  ];
  return keys
    .filter((k) => a.form[k] !== undefined && a.form[k] !== null && a.form[k] !== '')
    .map((k) => ({ label: fields.find((f) => f.key === k)?.label ?? k, value: String(a.form[k]) }));
}

function SupplementCard({ a, item, onDone }: { a: ApprovalDetail; item: ApprovalItem; onDone: () => void }) {
  const fields = formFieldsOf(item).filter((f) => a.missing.includes(f.key));
  const materials = item.materials
    .filter((m) => a.missing.includes(m.name))
    .map((m) => ({ ...m, required: true }));
  const [values, setValues] = useState<FormValues>({});
  const [photos, setPhotos] = useState<Record<string, PickedPhoto[]>>({});
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState('');
  const requiredFields = fields.map((f) => ({ ...f, required: true }));

  const submit = async () => {
    const problem = checkApprovalForm(requiredFields, values) || missingMaterial(materials, photos);
    if (problem) {
      void Taro.showToast({ title: problem, icon: 'none', duration: 3000 });
      return;
    }
    try {
      const uploaded = await uploadMaterials(materials, photos, setBusy);
      setBusy('正在提交…');
      await approvalsApi.supplement(a.id, {
        form: formPayload(fields, values),
        materials: uploaded,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      void Taro.showToast({ title: '已补正', icon: 'success' });
      setBusy('');
      onDone();
    } catch (err) {
      toastError(err);
      setBusy('');
    }
  };

  return (
    <View className="card" data-testid="approval-supplement">
      <View className="card-title">补正材料</View>
      <View className="notice">
        社区预审后需要您补充：
        {a.missing.map((m) => formFieldsOf(item).find((f) => f.key === m)?.label ?? m).join('、')}
        。补正期间办理时限暂停计算。
      </View>
      <FormFields
        fields={requiredFields}
        values={values}
        onChange={(key, value) => setValues((v) => ({ ...v, [key]: value }))}
      />
      <MaterialPhotos
        materials={materials}
        photos={photos}
        onChange={(name, p) => setPhotos((all) => ({ ...all, [name]: p }))}
      />
      <Textarea
        className="textarea"
        id="supplement-comment"
        value={comment}
        maxlength={500}
        placeholder="补充说明（选填）"
        onInput={(e) => setComment(e.detail.value)}
      />
      <Button className="btn" id="submit-supplement" disabled={!!busy} onClick={submit}>
        {busy || '提交补正'}
      </Button>
    </View>
  );
}

function RateCard({ a, onDone }: { a: ApprovalDetail; onDone: () => void }) {
  const [score, setScore] = useState(5);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await approvalsApi.rate(a.id, score, comment.trim() || undefined);
      void Taro.showToast({ title: '感谢您的评价', icon: 'success' });
      onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="approval-rate-card">
      <View className="card-title">评价本次服务</View>
      <Stars value={score} onChange={setScore} />
      <Textarea
        className="textarea"
        id="approval-rating-comment"
        value={comment}
        maxlength={500}
        placeholder="说说办理得怎么样（选填）"
        onInput={(e) => setComment(e.detail.value)}
      />
      <Button className="btn" id="rate-approval" disabled={busy} onClick={submit}>
        提交评价
      </Button>
    </View>
  );
}

export default function ApprovalDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(async (): Promise<Loaded> => {
    const a = await approvalsApi.get(id);
    // labels and the supplement form need the item; the progress is a nicety
    const [item, timeline] = await Promise.all([
      approvalsApi.item(a.itemId).catch(() => null),
      approvalsApi.timeline(a.instanceId).catch(() => null),
    ]);
    return { a, item, timeline };
  }, [id]);
  const [state, reload] = useLoader(load);
  const me = currentUser();
  const applicantView = !isStaff(me) || hasRole(me, 'resident');

  return (
    <View className="page" data-testid="approval-detail">
      <Guard state={state} onRetry={reload}>
        {({ a, item, timeline }) => (
          <>
            <View className="card">
              <View className="card-title">
                <Text data-testid="approval-item-name">{a.itemName}</Text>
                <Text className={stateTagClass(a)} data-testid="approval-state">
                  {APPROVAL_STATE_NAMES[a.state]}
                </Text>
              </View>
              <View className="kv">
                <Text className="kv-key">办件编号</Text>
                <Text className="kv-value" data-testid="approval-number">
                  {a.number}
                </Text>
              </View>
              <View className="kv">
                <Text className="kv-key">申请人</Text>
                <Text className="kv-value">
                  {a.applicantName}
                  {a.channel === 'window' ? '（窗口办件）' : ''}
                </Text>
              </View>
              <View className="kv">
                <Text className="kv-key">提交时间</Text>
                <Text className="kv-value">{formatTime(a.submittedAt)}</Text>
              </View>
              {!isApprovalDone(a) && (
                <View className="kv">
                  <Text className="kv-key">办理时限</Text>
                  <Text className="kv-value" data-testid="approval-due">
                    {a.paused
                      ? '补正期间暂停计时'
                      : `${a.timeLimitDays} 个工作日，已用 ${a.usedWorkingDays} 天${a.dueAt ? `，${formatTime(a.dueAt)}前` : ''}`}
                    {a.overdue ? '（已超期）' : ''}
                  </Text>
                </View>
              )}
              {a.concludedAt && (
                <View className="kv">
                  <Text className="kv-key">办结时间</Text>
                  <Text className="kv-value">
                    {formatTime(a.concludedAt)}
                    {a.onTime === false ? '（超期办结）' : ''}
                  </Text>
                </View>
              )}
              {a.handler && (
                <View className="kv">
                  <Text className="kv-key">承办人</Text>
                  <Text className="kv-value">{a.handler.name}</Text>
                </View>
              )}
            </View>
            {a.outcome && (
              <View className="card" data-testid="approval-result">
                <View className="card-title">办理结果</View>
                {a.outcome === 'approved' ? (
                  <View>准予办理，结果材料如下：</View>
                ) : (
                  <View>不予批准：{a.refusalReason}</View>
                )}
                <FilePhotos ids={a.resultFileIds} />
              </View>
            )}
            {a.state === 'supplement' && applicantView && item && (
              <SupplementCard a={a} item={item} onDone={() => void reload()} />
            )}
            {a.rating !== null && (
              <View className="card" data-testid="approval-rating">
                <View className="card-title">我的评价</View>
                <Stars value={a.rating} />
                {a.ratingComment && <View className="muted">{a.ratingComment}</View>}
              </View>
            )}
            {a.outcome && a.rating === null && applicantView && (
              <RateCard a={a} onDone={() => void reload()} />
            )}
            <View className="card" data-testid="approval-form">
              <View className="card-title">申请信息</View>
              {formRows(a, item).map((r) => (
                <View key={r.label} className="kv" data-testid="approval-form-row">
                  <Text className="kv-key">{r.label}</Text>
                  <Text className="kv-value">{r.value}</Text>
                </View>
              ))}
              {!formRows(a, item).length && <View className="muted">无</View>}
            </View>
            <View className="card" data-testid="approval-materials">
              <View className="card-title">提交的材料</View>
              {!a.materials.length && <View className="muted">无</View>}
              {a.materials.map((m) => (
                <View key={m.name} className="material-row">
                  <View>{m.name}</View>
                  <FilePhotos ids={m.fileIds} />
                </View>
              ))}
            </View>
            <ApprovalTimeline timeline={timeline} waiting={waitingFor(a)} />
            {isStaff(me) && !isApprovalDone(a) && (
              <Button
                className="btn btn-secondary"
                id="go-approval-handle"
                onClick={() => Taro.navigateTo({ url: approvalHandle(a.id) })}
              >
                办理此件
              </Button>
            )}
          </>
        )}
      </Guard>
    </View>
  );
}
