// 办件办理 (staff): one application and the step open on it, with that step's form: 预审 (材料齐全 / 需要补正 with
// what is missing), 受理, 承办 (opinion, note, photos such as a home-visit record), 审核, 办结 (准予 with the
// result document's photo, or 不予批准 with the reason), and 退回 to the step before. Opened from the task
// page (`?instance=`) or from the application (`?id=`). The server checks that the step is the caller's.
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import type { ApprovalDetail, ApprovalItem, ApprovalState, Timeline } from '@linli/contracts';
import {
  ApiFailure,
  APPROVAL_STATE_NAMES,
  APPROVAL_STEP_NAMES,
  approvalsApi,
  formFieldsOf,
  isApprovalDone,
  uploadPhotos,
  type PickedPhoto,
} from '../../services';
import { Chips, FilePhotos, formatTime, Guard, PhotoPicker } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { ApprovalTimeline, stateTagClass, waitingFor } from './form';

interface Loaded {
  a: ApprovalDetail;
  item: ApprovalItem | null;
  timeline: Timeline | null;
}

/** the steps that can go back to the one before (退回) */
const RETURNABLE: ApprovalState[] = ['accept', 'handle', 'review', 'conclude'];

function StepForm({ a, item, onDone }: { a: ApprovalDetail; item: ApprovalItem | null; onDone: () => void }) {
  const [decision, setDecision] = useState<string>(
    a.state === 'pre_review' ? 'complete' : a.state === 'handle' || a.state === 'conclude' ? 'approve' : 'go',
  );
  const [missing, setMissing] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState('');

  const toggle = (name: string) =>
    setMissing((m) => (m.includes(name) ? m.filter((x) => x !== name) : [...m, name]));
  const text = comment.trim();

  const problem = (): string => {
    if (decision === 'return') return text ? '' : '请填写退回原因';
    if (a.state === 'pre_review' && decision === 'incomplete' && !missing.length)
      return '请选择需要补正的材料或信息';
    if (a.state === 'handle' && !text) return '请填写承办意见';
    if (a.state === 'conclude' && decision === 'approve' && !photos.length)
      return '请上传办理结果（证明或批复的照片）';
    if (a.state === 'conclude' && decision === 'refuse' && !text) return '请填写不予批准的原因';
    return '';
  };

  const submit = async () => {
    const p = problem();
    if (p) {
      void Taro.showToast({ title: p, icon: 'none', duration: 3000 });
      return;
    }
    try {
      const fileIds = await uploadPhotos(photos, a.state === 'conclude' ? '办理结果' : '承办材料', setBusy);
      setBusy('正在提交…');
      const note = text || undefined;
      if (decision === 'return') await approvalsApi.returnStep(a.id, text);
      else if (a.state === 'pre_review')
        await approvalsApi.preReview(a.id, {
          outcome: decision === 'incomplete' ? 'incomplete' : 'complete',
          missing: decision === 'incomplete' ? missing : [],
          comment: note,
        });
      else if (a.state === 'accept') await approvalsApi.accept(a.id, note);
      else if (a.state === 'handle')
        await approvalsApi.handle(a.id, {
          opinion: decision === 'refuse' ? 'refuse' : 'approve',
          comment: text,
          fileIds,
        });
      else if (a.state === 'review') await approvalsApi.review(a.id, note);
      else if (a.state === 'conclude')
        await approvalsApi.conclude(
          a.id,
          decision === 'refuse'
            ? { result: 'refused', resultFileIds: [], reason: text }
            : { result: 'approved', resultFileIds: fileIds, comment: note },
        );
      void Taro.showToast({ title: '已提交', icon: 'success' });
      setBusy('');
      setComment('');
      setPhotos([]);
      setMissing([]);
      onDone();
    } catch (err) {
      toastError(err);
      setBusy('');
    }
  };

  const step = APPROVAL_STEP_NAMES[a.state] ?? '';
  const returnable = RETURNABLE.includes(a.state);
  const decisions: Partial<Record<ApprovalState, [string, string][]>> = {
    pre_review: [
      ['complete', '材料齐全'],
      ['incomplete', '需要补正'],
    ],
    accept: [['go', '予以受理']],
    handle: [
      ['approve', '建议准予'],
      ['refuse', '建议不予批准'],
    ],
    review: [['go', '审核通过']],
    conclude: [
      ['approve', '准予办理'],
      ['refuse', '不予批准'],
    ],
  };
  const options = [
    ...(decisions[a.state] ?? []),
    ...(returnable ? [['return', '退回上一步'] as [string, string]] : []),
  ];

  const placeholder =
    decision === 'return'
      ? '退回原因（必填）'
      : a.state === 'handle'
        ? '承办意见，如入户核实情况（必填）'
        : a.state === 'conclude' && decision === 'refuse'
          ? '不予批准的原因，申请人可见（必填）'
          : '办理意见（选填）';

  return (
    <View className="card" data-testid="approval-step">
      <View className="card-title">
        <Text data-testid="approval-step-name">当前环节：{step}</Text>
      </View>
      <View className="field">
        <View className="label">办理决定</View>
        <Chips value={decision} options={options} onChange={setDecision} idPrefix="decision" />
      </View>
      {a.state === 'pre_review' && decision === 'incomplete' && item && (
        <View className="field" data-testid="approval-missing">
          <View className="label">需要补正的材料或信息（可多选）</View>
          <View className="chips">
            {item.materials.map((m, i) => (
              <View
                key={m.name}
                id={`missing-material-${i}`}
                className={`chip ${missing.includes(m.name) ? 'chip-on' : ''}`}
                onClick={() => toggle(m.name)}
              >
                {m.name}
              </View>
            ))}
            {formFieldsOf(item).map((f) => (
              <View
                key={f.key}
                id={`missing-field-${f.key}`}
                className={`chip ${missing.includes(f.key) ? 'chip-on' : ''}`}
                onClick={() => toggle(f.key)}
              >
                {f.label}
              </View>
            ))}
          </View>
        </View>
      )}
      {((a.state === 'handle' && decision !== 'return') ||
        (a.state === 'conclude' && decision === 'approve')) && (
        <View className="field">
          <View className="label">
            {a.state === 'conclude' ? '办理结果（证明、批复的照片，必传）' : '承办材料（如入户调查表，选传）'}
          </View>
          <PhotoPicker
            photos={photos}
            onChange={setPhotos}
            max={9}
            addId="step-add-photo"
            addLabel="+ 拍照/相册"
            testid="step-photo"
          />
        </View>
      )}
      <Textarea
        className="textarea"
        id="step-comment"
        value={comment}
        maxlength={500}
        placeholder={placeholder}
        onInput={(e) => setComment(e.detail.value)}
      />
      <Button
        className={decision === 'return' || decision === 'refuse' ? 'btn btn-danger' : 'btn'}
        id="submit-step"
        disabled={!!busy}
        onClick={submit}
      >
        {busy || (decision === 'return' ? '确认退回' : `提交${step}`)}
      </Button>
    </View>
  );
}

export default function ApprovalHandle() {
  const { params } = useRouter();
  const load = useCallback(async (): Promise<Loaded> => {
    let id = params.id ?? '';
    if (!id && params.instance) {
      const found = await approvalsApi.byInstance(params.instance);
      if (!found)
        throw new ApiFailure(404, 'not_found', '找不到这件办件，它可能不在您的管辖范围内', params.instance);
      id = found.id;
    }
    const a = await approvalsApi.get(id);
    const [item, timeline] = await Promise.all([
      approvalsApi.item(a.itemId).catch(() => null),
      approvalsApi.timeline(a.instanceId).catch(() => null),
    ]);
    return { a, item, timeline };
  }, [params.id, params.instance]);
  const [state, reload] = useLoader(load);

  return (
    <View className="page" data-testid="approval-handle">
      <Guard state={state} onRetry={reload}>
        {({ a, item, timeline }) => {
          const fields = item ? formFieldsOf(item) : [];
          return (
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
                  <Text className="kv-value" data-testid="approval-applicant">
                    {a.applicantName}
                    {a.channel === 'window' ? '（窗口办件）' : '（网上申请）'}
                  </Text>
                </View>
                <View className="kv">
                  <Text className="kv-key">提交时间</Text>
                  <Text className="kv-value">{formatTime(a.submittedAt)}</Text>
                </View>
                {!isApprovalDone(a) && (
                  <View className="kv">
                    <Text className="kv-key">办理时限</Text>
                    <Text className={a.overdue || a.warned ? 'kv-value unread' : 'kv-value'}>
                      {a.paused
                        ? '待申请人补正，暂停计时'
                        : a.dueAt
                          ? `${formatTime(a.dueAt)}前`
                          : `${a.timeLimitDays} 个工作日`}
                      {a.overdue ? '（已超期）' : a.warned ? '（临近时限）' : ''}
                    </Text>
                  </View>
                )}
                {a.urgeCount > 0 && <View className="muted unread">已被催办 {a.urgeCount} 次</View>}
              </View>
              <View className="card" data-testid="approval-form">
                <View className="card-title">申请信息</View>
                {Object.entries(a.form).map(([k, v]) => (
                  <View key={k} className="kv" data-testid="approval-form-row">
                    <Text className="kv-key">{fields.find((f) => f.key === k)?.label ?? k}</Text>
                    <Text className="kv-value">{String(v)}</Text>
                  </View>
                ))}
              </View>
              <View className="card" data-testid="approval-materials">
                <View className="card-title">申请材料</View>
                {!a.materials.length && <View className="muted">未提交材料</View>}
                {a.materials.map((m) => (
                  <View key={m.name} className="material-row">
                    <View>{m.name}</View>
                    <FilePhotos ids={m.fileIds} />
                  </View>
                ))}
              </View>
              {a.state === 'supplement' && (
                <View className="notice" data-testid="approval-waiting">
                  已通知申请人补正：
                  {a.missing.map((m) => fields.find((f) => f.key === m)?.label ?? m).join('、')}
                  ，补正后回到预审。
                </View>
              )}
              {APPROVAL_STEP_NAMES[a.state] && a.state !== 'supplement' && (
                <StepForm key={`${a.state}-${a.taskId}`} a={a} item={item} onDone={() => void reload()} />
              )}
              {a.outcome && (
                <View className="card" data-testid="approval-result">
                  <View className="card-title">办理结果</View>
                  <View>{a.outcome === 'approved' ? '准予办理' : `不予批准：${a.refusalReason ?? ''}`}</View>
                  <FilePhotos ids={a.resultFileIds} />
                </View>
              )}
              <ApprovalTimeline timeline={timeline} waiting={waitingFor(a)} />
            </>
          );
        }}
      </Guard>
    </View>
  );
}
