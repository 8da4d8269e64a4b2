// 上报详情: one event I reported (or may see): its state, category, photos, place, the handling result, the
// case's timeline, and the step the viewer may take now: 事件分类 (grid workers, community admins: the category,
// which decides the handling unit, and a note), 事件处置 (whoever it was dispatched to: the result with photos,
// or 退回 with a reason), and — when the handling is done and it waits for me, the reporter — 评价 (1–5 stars).
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import type { CommunityEvent, EventCategory, Timeline } from '@linli/contracts';
import {
  currentUser,
  EVENT_KIND_NOTES,
  EVENT_SOURCE_NAMES,
  EVENT_STATE_NAMES,
  EVENT_STEP_NAMES,
  EVENT_TARGET_NAMES,
  eventsApi,
  isStaff,
  uploadPhotos,
  type EventStaffStep,
  type PickedPhoto,
} from '../../services';
import { FilePhotos, formatTime, Guard, PhotoPicker, Stars } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { stateTagClass } from './state-tag';

interface Detail {
  event: CommunityEvent;
  timeline: Timeline | null;
  /** the staff step the viewer may take now */
  step: EventStaffStep | null;
  /** the categories to classify into (only loaded for that step) */
  categories: EventCategory[];
}

/** The entries to show, in the server's order (the report first): instance.started repeats 上报. */
function stepsOf(timeline: Timeline) {
  return timeline.entries.filter((t) => t.kind !== 'task.completed' && t.kind !== 'instance.started');
}

function limitOf(c: EventCategory): string {
  return `${c.limitValue}${c.limitUnit === 'hours' ? '小时' : '个工作日'}`;
}

/** 事件分类: pick the category (it names the handling unit and the time limit), add a note */
function Classify({
  e,
  categories,
  onDone,
}: {
  e: CommunityEvent;
  categories: EventCategory[];
  onDone: () => void;
}) {
  const [code, setCode] = useState(e.category?.code ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const chosen = categories.find((c) => c.code === code);
  const submit = async () => {
    if (!chosen) return setError('请选择事件类别');
    setError('');
    setBusy(true);
    try {
      await eventsApi.classify(e.id, chosen.code, note.trim() || undefined);
      void Taro.showToast({ title: '已分类并派单', icon: 'success' });
      onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="event-classify-card">
      <View className="card-title">事件分类</View>
      <View className="field">
        <View className="label">事件类别 *</View>
        <View className="chips">
          {categories.map((c) => (
            <View
              key={c.id}
              id={`classify-category-${c.code}`}
              className={`chip ${code === c.code ? 'chip-on' : ''}`}
              onClick={() => {
                setCode(c.code);
                setError('');
              }}
            >
              {c.name}
            </View>
          ))}
        </View>
        {!categories.length && (
          <View className="muted">本社区暂无可用的事件类别，请联系社区管理员设置。</View>
        )}
        {error && (
          <View className="field-error" data-testid="classify-error">
            {error}
          </View>
        )}
        {chosen && (
          <View className="muted" data-testid="classify-handler">
            处置单位：{EVENT_TARGET_NAMES[chosen.target]} · 时限 {limitOf(chosen)}
            {EVENT_KIND_NOTES[chosen.kind] ? ` · ${EVENT_KIND_NOTES[chosen.kind]}` : ''}
          </View>
        )}
      </View>
      <View className="field">
        <View className="label">分类说明</View>
        <Textarea
          className="textarea"
          id="classify-note"
          value={note}
          maxlength={500}
          placeholder="选填，如核实情况、处置要求"
          onInput={(ev) => setNote(ev.detail.value)}
        />
      </View>
      <Button className="btn" id="submit-classify" disabled={busy} onClick={submit}>
        {busy ? '正在提交…' : '确认分类并派单'}
      </Button>
    </View>
  );
}

/** 事件处置: the result with 1–9 photos (已处置), or 退回 with a reason (not ours: classify again) */
function Handle({ e, onDone }: { e: CommunityEvent; onDone: () => void }) {
  const [outcome, setOutcome] = useState<'done' | 'send_back'>('done');
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [errors, setErrors] = useState<{ text?: string; photos?: string }>({});
  const [busy, setBusy] = useState('');
  const submit = async () => {
    const t = text.trim();
    const found: typeof errors = {};
    if (outcome === 'done') {
      if (t.length < 2) found.text = '请填写处置结果（至少2个字）';
      if (!photos.length) found.photos = '请至少拍一张处置后的照片';
    } else if (t.length < 2) found.text = '请填写退回原因（至少2个字）';
    setErrors(found);
    if (found.text || found.photos) return;
    try {
      if (outcome === 'done') {
        const ids = await uploadPhotos(photos, '处置照片', setBusy);
        setBusy('正在提交…');
        await eventsApi.handleDone(e.id, t, ids);
        void Taro.showToast({ title: '已提交处置结果', icon: 'success' });
      } else {
        setBusy('正在提交…');
        await eventsApi.sendBack(e.id, t);
        void Taro.showToast({ title: '已退回重新分派', icon: 'success' });
      }
      onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy('');
    }
  };
  return (
    <View className="card" data-testid="event-handle-card">
      <View className="card-title">事件处置</View>
      <View className="field">
        <View className="label">处置结论</View>
        <View className="chips">
          <View
            id="handle-outcome-done"
            className={`chip ${outcome === 'done' ? 'chip-on' : ''}`}
            onClick={() => {
              setOutcome('done');
              setErrors({});
            }}
          >
            已处置
          </View>
          <View
            id="handle-outcome-send-back"
            className={`chip ${outcome === 'send_back' ? 'chip-on' : ''}`}
            onClick={() => {
              setOutcome('send_back');
              setErrors({});
            }}
          >
            非本单位职责，退回
          </View>
        </View>
      </View>
      <View className="field">
        <View className="label">{outcome === 'done' ? '处置结果 *' : '退回原因 *'}</View>
        <Textarea
          className="textarea"
          id="handle-text"
          value={text}
          maxlength={outcome === 'done' ? 2000 : 500}
          placeholder={outcome === 'done' ? '做了什么、现场现在怎样' : '为什么不归本单位处置'}
          onInput={(ev) => {
            setText(ev.detail.value);
            setErrors((x) => ({ ...x, text: undefined }));
          }}
        />
        {errors.text && (
          <View className="field-error" data-testid="handle-text-error">
            {errors.text}
          </View>
        )}
      </View>
      {outcome === 'done' && (
        <View className="field">
          <View className="label">处置照片 *</View>
          <PhotoPicker
            photos={photos}
            onChange={(p) => {
              setPhotos(p);
              setErrors((x) => ({ ...x, photos: undefined }));
            }}
            addId="handle-add-photo"
            testid="handle-photo"
          />
          {errors.photos && (
            <View className="field-error" data-testid="handle-photo-error">
              {errors.photos}
            </View>
          )}
        </View>
      )}
      <Button className="btn" id="submit-handle" disabled={!!busy} onClick={submit}>
        {busy || (outcome === 'done' ? '提交处置结果' : '确认退回')}
      </Button>
    </View>
  );
}

function Rate({ e, onDone }: { e: CommunityEvent; onDone: () => void }) {
  const [rating, setRating] = useState(5);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await eventsApi.rate(e.id, rating, comment.trim() || undefined);
      void Taro.showToast({ title: '感谢您的评价', icon: 'success' });
      onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="event-rate-card">
      <View className="card-title">评价处置结果</View>
      <Stars value={rating} onChange={setRating} />
      <Textarea
        className="textarea"
        id="event-rating-comment"
        value={comment}
        maxlength={500}
        placeholder="说说处置得怎么样（选填）"
        onInput={(ev) => setComment(ev.detail.value)}
      />
      <Button className="btn" id="rate-event" disabled={busy} onClick={submit}>
        提交评价
      </Button>
    </View>
  );
}

export default function EventDetail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(async (): Promise<Detail> => {
    const event = await eventsApi.get(id);
    // the timeline is a nicety: a reporter who may not read the case still sees the event
    const timeline = event.instanceId ? await eventsApi.timeline(event.instanceId).catch(() => null) : null;
    const step = isStaff(currentUser()) ? await eventsApi.myStep(event) : null;
    const categories = step === 'classify' ? await eventsApi.categories() : [];
    return { event, timeline, step, categories };
  }, [id]);
  const [state, reload] = useLoader(load);
  const me = currentUser();

  return (
    <View className="page" data-testid="event-detail">
      <Guard state={state} onRetry={reload}>
        {({ event: e, timeline, step, categories }) => (
          <>
            <View className="card">
              <View className="card-title">
                <Text data-testid="event-category">{e.category?.name ?? '待分类'}</Text>
                <Text className={stateTagClass(e)} data-testid="event-state">
                  {EVENT_STATE_NAMES[e.state]}
                </Text>
              </View>
              <View data-testid="event-description">{e.description}</View>
              {e.address && <View className="muted">位置：{e.address}</View>}
              {e.location && !e.address && <View className="muted">位置：已定位</View>}
              <View className="muted">
                {EVENT_SOURCE_NAMES[e.source]} · {formatTime(e.reportedAt)}
              </View>
              {e.dueAt && !e.handledAt && (
                <View className={e.overdue ? 'muted unread' : 'muted'}>
                  处置时限：{formatTime(e.dueAt)}
                  {e.overdue ? '（已超期）' : ''}
                </View>
              )}
              <FilePhotos ids={e.photoFileIds} />
            </View>
            {e.result && (
              <View className="card" data-testid="event-result">
                <View className="card-title">处置结果</View>
                <View>{e.result}</View>
                {e.handledAt && <View className="muted">{formatTime(e.handledAt)}</View>}
                <FilePhotos ids={e.resultPhotoFileIds} />
              </View>
            )}
            {e.convertedTo && (
              <View className="card">
                <View className="muted">
                  已转为{e.convertedTo === 'repair' ? '物业报修' : '矛盾调解'}处理
                </View>
              </View>
            )}
            {e.rating !== null && (
              <View className="card" data-testid="event-rating">
                <View className="card-title">评价</View>
                <Stars value={e.rating} />
                {e.ratingComment && <View className="muted">{e.ratingComment}</View>}
              </View>
            )}
            {step === 'classify' && (
              <Classify key={`c-${e.id}`} e={e} categories={categories} onDone={() => void reload()} />
            )}
            {step === 'handle' && <Handle key={`h-${e.id}`} e={e} onDone={() => void reload()} />}
            {e.state === 'feedback' && e.rating === null && !!me && e.reporterUserId === me.id && (
              <Rate e={e} onDone={() => void reload()} />
            )}
            <View className="card" data-testid="event-timeline">
              <View className="card-title">处理进度</View>
              {!timeline && <View className="muted">暂无进度</View>}
              {timeline &&
                stepsOf(timeline).map((t, i) => (
                  <View key={i} className="timeline-entry" data-testid="timeline-entry">
                    <View className="timeline-dot" />
                    <View>
                      {EVENT_STEP_NAMES[t.kind] ?? t.activityName ?? t.kind}
                      {t.kind === 'task.created' && t.activityName ? `：${t.activityName}` : ''}
                    </View>
                    {t.comment && <View className="muted">{t.comment}</View>}
                    <View className="muted">
                      {formatTime(t.at)}
                      {t.actor ? ` · ${t.actor.name}` : ''}
                    </View>
                  </View>
                ))}
            </View>
          </>
        )}
      </Guard>
    </View>
  );
}
