// 上报详情: one event I reported (or may see): its state, category, photos, place, the handling result, the
// case's timeline, and — when the handling is done and it waits for me, the reporter — 评价 (1–5 stars).
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import type { CommunityEvent, Timeline } from '@linli/contracts';
import {
  currentUser,
  EVENT_SOURCE_NAMES,
  EVENT_STATE_NAMES,
  EVENT_STEP_NAMES,
  eventsApi,
} from '../../services';
import { FilePhotos, formatTime, Guard, Stars } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { stateTagClass } from './state-tag';

interface Detail {
  event: CommunityEvent;
  timeline: Timeline | null;
}

/** The entries to show, in the server's order (the report first): instance.started repeats 上报. */
function stepsOf(timeline: Timeline) {
  return timeline.entries.filter((t) => t.kind !== 'task.completed' && t.kind !== 'instance.started');
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
    return { event, timeline };
  }, [id]);
  const [state, reload] = useLoader(load);
  const me = currentUser();

  return (
    <View className="page" data-testid="event-detail">
      <Guard state={state} onRetry={reload}>
        {({ event: e, timeline }) => (
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
