// 报修详情: the repair, its timeline, and the step the signed-in person may take now: the technician accepts
// and records the fix (note + photos), the reporter confirms and rates.
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import type { Repair, Timeline } from '@linli/contracts';
import {
  currentUser,
  hasRole,
  repairs,
  STATUS_NAMES,
  STEP,
  uploadPhotos,
  type PickedPhoto,
} from '../../services';
import { FilePhotos, formatTime, Guard, PhotoPicker, Stars } from '../../components/ui';
import { playVoice } from '../../services/voice';
import { toastError, useLoader } from '../../components/use-loader';

interface Detail {
  repair: Repair;
  timeline: Timeline | null;
}

const KIND_NAMES: Record<string, string> = {
  'instance.started': '提交报修',
  'repair.reported': '提交报修',
  'repair.dispatched': '已派单',
  'repair.accepted': '师傅已接单',
  'repair.declined': '师傅拒单',
  'repair.fixed': '维修完成',
  'repair.sent_back': '退回',
  'repair.resumed': '继续维修',
  'repair.rated': '确认并评价',
  'repair.reviewed': '复核',
  'repair.community_decided': '社区处理',
  'task.created': '待处理',
  'task.completed': '已处理',
  'instance.completed': '已办结',
  comment: '留言',
  urge: '催办',
  'timer.fired': '超时提醒',
};

function Accept({ r, onDone }: { r: Repair; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const accept = async () => {
    setBusy(true);
    try {
      await repairs.accept(r.id, '已接单，尽快上门');
      void Taro.showToast({ title: '已接单', icon: 'success' });
      onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  const decline = async () => {
    // editable (an input in the dialog) is in WeChat's API and Taro's h5, not in Taro's option type
    const ask = { title: '拒单原因', editable: true, placeholderText: '请说明原因' };
    const res = await Taro.showModal(ask as Taro.showModal.Option);
    if (!res.confirm) return;
    const why = (res as { content?: string }).content?.trim();
    if (!why) {
      void Taro.showToast({ title: '请填写拒单原因', icon: 'none' });
      return;
    }
    try {
      await repairs.decline(r.id, why);
      onDone();
    } catch (err) {
      toastError(err);
    }
  };
  return (
    <View className="card" data-testid="accept-card">
      <View className="card-title">新工单</View>
      <View className="muted">请在 30 分钟内接单，超时将重新派单。</View>
      <Button className="btn" id="accept-job" disabled={busy} onClick={accept}>
        接单
      </Button>
      <Button className="btn btn-secondary" id="decline-job" disabled={busy} onClick={decline}>
        拒单
      </Button>
    </View>
  );
}

function Fix({ r, onDone }: { r: Repair; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState('');
  const submit = async () => {
    if (!note.trim()) return void Taro.showToast({ title: '请填写维修说明', icon: 'none' });
    if (!photos.length) return void Taro.showToast({ title: '请至少拍一张完工照片', icon: 'none' });
    try {
      const ids = await uploadPhotos(photos, '完工照片', setBusy);
      setBusy('正在提交…');
      await repairs.fix(r.id, { note: note.trim(), afterPhotoFileIds: ids, materials: [] });
      void Taro.showToast({ title: '已提交完工', icon: 'success' });
      onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy('');
    }
  };
  return (
    <View className="card" data-testid="fix-card">
      <View className="card-title">填写完工信息</View>
      <View className="field">
        <View className="label">维修说明</View>
        <Textarea
          className="textarea"
          id="fix-note"
          value={note}
          maxlength={1000}
          placeholder="做了什么、换了什么"
          onInput={(e) => setNote(e.detail.value)}
        />
      </View>
      <View className="field">
        <View className="label">完工照片</View>
        <PhotoPicker photos={photos} onChange={setPhotos} addId="fix-add-photo" testid="fix-photo" />
      </View>
      <Button className="btn" id="submit-fix" disabled={!!busy} onClick={submit}>
        {busy || '提交完工'}
      </Button>
    </View>
  );
}

function Confirm({ r, onDone }: { r: Repair; onDone: () => void }) {
  const [rating, setRating] = useState(5);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await repairs.confirm(r.id, rating, comment.trim() || undefined);
      void Taro.showToast({ title: '感谢您的评价', icon: 'success' });
      onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="confirm-card">
      <View className="card-title">确认维修结果并评价</View>
      <View className="muted">3 天内未确认将自动确认。</View>
      <Stars value={rating} onChange={setRating} />
      <Textarea
        className="textarea"
        id="rating-comment"
        value={comment}
        maxlength={500}
        placeholder="说说师傅的服务（选填）"
        onInput={(e) => setComment(e.detail.value)}
      />
      <Button className="btn" id="confirm-repair" disabled={busy} onClick={submit}>
        确认完成
      </Button>
    </View>
  );
}

export default function RepairDetail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(async (): Promise<Detail> => {
    const repair = await repairs.get(id);
    const timeline = repair.instanceId ? await repairs.timeline(repair.instanceId).catch(() => null) : null;
    return { repair, timeline };
  }, [id]);
  const [state, reload] = useLoader(load);
  const me = currentUser();
  const done = () => void reload();

  return (
    <View className="page" data-testid="repair-detail">
      <Guard state={state} onRetry={reload}>
        {({ repair: r, timeline }) => {
          const at = (step: string) => r.openTasks.find((t) => t.activityId === step);
          const mine = (step: string) => {
            const t = at(step);
            return !!t && !!me && (t.assignee === me.id || (!t.assignee && hasRole(me, 'technician')));
          };
          return (
            <>
              <View className="card">
                <View className="card-title">
                  <Text>
                    {r.categoryName} · {r.number}
                  </Text>
                  <Text
                    className={r.status === 'closed' ? 'tag tag-done' : 'tag'}
                    data-testid="repair-status"
                  >
                    {STATUS_NAMES[r.status]}
                  </Text>
                </View>
                <View data-testid="repair-description">{r.description}</View>
                <View className="muted">{r.location}</View>
                {r.preferredFrom && (
                  <View className="muted">
                    期望上门：{formatTime(r.preferredFrom)}–{formatTime(r.preferredTo).split(' ')[1]}
                  </View>
                )}
                {r.technician && <View className="muted">维修师傅：{r.technician.name}</View>}
                <FilePhotos ids={r.photoFileIds} />
                {r.voiceFileId && (
                  <Button
                    className="chip chip-on"
                    id="repair-voice"
                    onClick={() => void playVoice({ fileId: r.voiceFileId! }).catch(toastError)}
                  >
                    ▶ 播放语音说明
                  </Button>
                )}
              </View>
              {r.fixedAt && (
                <View className="card">
                  <View className="card-title">维修结果</View>
                  <View>{r.fixNote}</View>
                  <FilePhotos ids={r.afterPhotoFileIds} />
                </View>
              )}
              {r.rating !== null && (
                <View className="card" data-testid="rating">
                  <View className="card-title">我的评价</View>
                  <Stars value={r.rating} />
                  {r.ratingComment && <View className="muted">{r.ratingComment}</View>}
                </View>
              )}
              {mine(STEP.accept) && <Accept r={r} onDone={done} />}
              {mine(STEP.handle) && <Fix r={r} onDone={done} />}
              {at(STEP.confirm) && me?.id === r.reporter.id && <Confirm r={r} onDone={done} />}
              <View className="card" data-testid="timeline">
                <View className="card-title">处理进度</View>
                {!timeline && <View className="muted">暂无进度</View>}
                {timeline?.entries
                  .filter((e) => e.kind !== 'task.completed')
                  .map((e, i) => (
                    <View key={i} className="timeline-entry" data-testid="timeline-entry">
                      <View className="timeline-dot" />
                      <View>
                        {KIND_NAMES[e.kind] ?? e.activityName ?? e.kind}
                        {e.kind === 'task.created' && e.activityName ? `：${e.activityName}` : ''}
                      </View>
                      {e.comment && <View className="muted">{e.comment}</View>}
                      <View className="muted">
                        {formatTime(e.at)}
                        {e.actor ? ` · ${e.actor.name}` : ''}
                      </View>
                    </View>
                  ))}
              </View>
            </>
          );
        }}
      </Guard>
    </View>
  );
}
