// 志愿详情: one micro-wish or activity: state, points, place and time, what is wanted, photos, who posted it, the
// volunteers, and the step the viewer may take: 认领心愿 / 报名参加 (a registered volunteer), 取消认领 / 取消报名 (the
// volunteer, before the service is confirmed), 确认服务 (the wish owner or the organiser, never the volunteer),
// 取消心愿 (the owner); then the timeline (for the poster, its volunteers and staff).
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import type { Timeline, TimelineEntry, VolunteerActivityDetail as Detail } from '@linli/contracts';
import {
  askConsent,
  loadSession,
  PARTICIPATION_STATUS_NAMES,
  prepareConsent,
  statusNameOf,
  uploadPhotos,
  VOLUNTEER_KIND_NAMES,
  VOLUNTEER_STEP_NAMES,
  volunteerApi,
  volunteerMessageOf,
  type PickedPhoto,
} from '../../services';
import { FilePhotos, formatTime, Guard, PhotoPicker } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { VOLUNTEER_REGISTER } from '../../routes';
import { volunteerTagClass } from './state-tag';
import './volunteer.css';

interface Loaded {
  d: Detail;
  timeline: Timeline | null;
}

const HOURS = [0.5, 1, 1.5, 2, 3, 4];

function fail(err: unknown) {
  void Taro.showToast({ title: volunteerMessageOf(err), icon: 'none', duration: 3000 });
}

const POSTED = ['volunteer.wish_posted', 'volunteer.activity_posted'];
/** the runtime's bookkeeping that repeats what the volunteer entries say */
const HIDDEN = ['instance.started', 'claim', 'message.received'];

/**
 * What people read: the posting first (it is written just after the case starts and its first task is
 * created), the review with its decision, what the system did, who claimed and confirmed; a waiting step only
 * while it is the latest thing that happened.
 */
function stepsOf(timeline: Timeline): { entry: TimelineEntry; label: string }[] {
  const kept = timeline.entries.filter(
    (t) => !HIDDEN.includes(t.kind) && (t.kind !== 'task.completed' || t.activityId === 'Task_Review'),
  );
  const ordered = [
    ...kept.filter((t) => POSTED.includes(t.kind)),
    ...kept.filter((t) => !POSTED.includes(t.kind)),
  ];
  // the end of the case last (the system's last step may be stamped the same moment)
  const last = [
    ...ordered.filter((t) => t.kind !== 'instance.completed'),
    ...ordered.filter((t) => t.kind === 'instance.completed'),
  ];
  const labelled = last
    .filter((t, i) => t.kind !== 'task.created' || i === last.length - 1)
    .map((t) => ({
      entry: t,
      label:
        t.kind === 'task.completed'
          ? `${t.activityName ?? '社区审核'}：${t.outcome === 'reject' ? '未通过' : '通过'}`
          : t.kind === 'task.created'
            ? `待处理：${t.activityName ?? ''}`
            : (VOLUNTEER_STEP_NAMES[t.kind] ?? t.activityName ?? t.kind),
    }));
  // a system step's end and the volunteer entry that says what it did (发放志愿积分): keep the one with words
  return labelled.filter(
    (x) => x.entry.comment || !labelled.some((y) => y !== x && y.label === x.label && y.entry.comment),
  );
}

/** 确认服务: the wish owner (hours, photos, a word of thanks) or the organiser (who attended) */
function ConfirmCard({ d, onDone }: { d: Detail; onDone: () => void }) {
  const waiting = d.participants.filter((x) => x.status === 'signed_up');
  const [hours, setHours] = useState<number>(d.hours || 1);
  const [comment, setComment] = useState('');
  const [attended, setAttended] = useState<string[]>(waiting.map((x) => x.id));
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState('');

  const send = async (done: boolean) => {
    if (!done) {
      const res = await Taro.showModal({
        title: '服务未完成',
        content: '确认志愿者没有完成服务？心愿将重新开放给其他志愿者认领。',
        confirmText: '确认',
        cancelText: '返回',
      });
      if (!res.confirm) return;
    }
    try {
      const photoIds = await uploadPhotos(photos, '服务照片', setBusy);
      setBusy('正在提交…');
      await volunteerApi.confirm(d.id, {
        done,
        hours,
        ...(d.kind === 'activity'
          ? {
              participants: waiting.map((x) => ({
                participationId: x.id,
                attended: attended.includes(x.id),
                hours,
              })),
            }
          : {}),
        photoIds,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      void Taro.showToast({ title: done ? '已确认，积分将发放给志愿者' : '已提交', icon: 'none' });
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy('');
    }
  };

  return (
    <View className="card" data-testid="volunteer-confirm-card">
      <View className="card-title">{d.kind === 'wish' ? '确认服务完成' : '确认参与并记录时长'}</View>
      {d.kind === 'activity' && (
        <View className="field">
          <View className="label">参加人员（点击切换）</View>
          <View className="chips">
            {waiting.map((x) => (
              <View
                key={x.id}
                id={`attended-${x.id}`}
                className={`chip ${attended.includes(x.id) ? 'chip-on' : ''}`}
                onClick={() =>
                  setAttended((a) => (a.includes(x.id) ? a.filter((y) => y !== x.id) : [...a, x.id]))
                }
              >
                {x.name}
                {attended.includes(x.id) ? ' ✓' : '（未到）'}
              </View>
            ))}
          </View>
        </View>
      )}
      <View className="field">
        <View className="label">服务时长</View>
        <View className="chips">
          {HOURS.map((h) => (
            <View
              key={h}
              id={`confirm-hours-${String(h).replace('.', '_')}`}
              className={`chip ${hours === h ? 'chip-on' : ''}`}
              onClick={() => setHours(h)}
            >
              {h} 小时
            </View>
          ))}
        </View>
      </View>
      <View className="field">
        <View className="label">评价（选填）</View>
        <Input
          className="input"
          id="confirm-comment"
          value={comment}
          maxlength={500}
          placeholder="如：服务很好，谢谢"
          onInput={(e) => setComment(e.detail.value)}
        />
      </View>
      <View className="field">
        <View className="label">服务照片（选填）</View>
        <PhotoPicker
          photos={photos}
          onChange={setPhotos}
          addId="confirm-add-photo"
          addLabel="+ 拍照/相册"
          testid="confirm-photo"
        />
      </View>
      <Button className="btn" id="volunteer-confirm" disabled={!!busy} onClick={() => void send(true)}>
        {busy || (d.kind === 'wish' ? '确认服务完成' : '确认参与情况')}
      </Button>
      {d.kind === 'wish' && (
        <Button
          className="btn btn-secondary"
          id="volunteer-not-done"
          disabled={!!busy}
          onClick={() => void send(false)}
        >
          服务未完成
        </Button>
      )}
    </View>
  );
}

export default function VolunteerDetail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(async (): Promise<Loaded> => {
    const d = await volunteerApi.get(id);
    void prepareConsent();
    // the timeline is for the poster, its volunteers and staff; others still see the wish itself
    const timeline = await volunteerApi.timeline(id).catch(() => null);
    return { d, timeline };
  }, [id]);
  const [state, reload] = useLoader(load);
  const [busy, setBusy] = useState(false);
  const me = loadSession()?.user.id;

  const act = async (run: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await run();
      void Taro.showToast({ title: done, icon: 'none' });
      await reload();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const claim = async (d: Detail) => {
    await askConsent('volunteer');
    await act(() => volunteerApi.claim(d.id), d.kind === 'wish' ? '已认领，请按约定上门服务' : '报名成功');
  };

  const withdraw = async (d: Detail) => {
    const res = await Taro.showModal({
      title: d.kind === 'wish' ? '取消认领' : '取消报名',
      content: d.kind === 'wish' ? '取消后心愿将重新开放给其他志愿者认领。' : '取消后名额将让给其他志愿者。',
      confirmText: '确认取消',
      cancelText: '返回',
    });
    if (res.confirm) await act(() => volunteerApi.withdraw(d.id), '已取消');
  };

  const cancel = async (d: Detail) => {
    // editable (an input in the dialog) is in WeChat's API and Taro's h5, not in Taro's option type
    const ask = { title: '取消心愿', editable: true, placeholderText: '请说明原因，如：问题已解决' };
    const res = await Taro.showModal(ask as Taro.showModal.Option);
    if (!res.confirm) return;
    const why = (res as { content?: string }).content?.trim();
    if (!why) {
      void Taro.showToast({ title: '请填写取消原因', icon: 'none' });
      return;
    }
    await act(() => volunteerApi.cancel(d.id, why), '心愿已取消');
  };

  return (
    <View className="page" data-testid="volunteer-detail">
      <Guard state={state} onRetry={reload}>
        {({ d, timeline }) => {
          const mine = d.participants.find((x) => x.userId === me);
          const owner = d.createdBy.id === me;
          const confirmed = d.participants.some((x) => x.status === 'confirmed');
          const steps = timeline ? stepsOf(timeline) : [];
          return (
            <>
              <View className="card">
                <View className="card-title">
                  <Text data-testid="volunteer-title">{d.title}</Text>
                  <Text className={volunteerTagClass(d)} data-testid="volunteer-state">
                    {statusNameOf(d)}
                  </Text>
                </View>
                <View className="muted">
                  {VOLUNTEER_KIND_NAMES[d.kind]} ·{' '}
                  <Text className="vol-points" data-testid="volunteer-points">
                    {d.status === 'pending_review' && d.kind === 'wish'
                      ? '积分待社区确定'
                      : `${d.points} 积分`}
                  </Text>
                  {d.kind === 'activity' ? ` · ${d.hours} 小时` : ''}
                </View>
                <View data-testid="volunteer-description">{d.description}</View>
                <View className="muted">地点：{d.place}</View>
                {d.kind === 'activity' && (
                  <View className="muted">
                    时间：{formatTime(d.startsAt)} 至 {formatTime(d.endsAt)} · 名额 {d.taken}/{d.slots}
                  </View>
                )}
                {d.kind === 'wish' && d.startsAt && (
                  <View className="muted">希望时间：{formatTime(d.startsAt)}</View>
                )}
                <View className="muted">
                  {d.kind === 'wish' ? '心愿人' : '发布'}：{d.createdBy.name} · {formatTime(d.createdAt)}
                </View>
                <FilePhotos ids={d.photoIds} />
              </View>

              {d.status === 'rejected' && (
                <View className="card" data-testid="volunteer-rejected">
                  <View className="card-title">审核未通过</View>
                  <View>{d.reviewNote ?? '社区未说明原因'}</View>
                </View>
              )}
              {d.status === 'pending_review' && (
                <View className="card">
                  <View className="muted" data-testid="volunteer-hint">
                    社区正在审核，通过后将公开给社区志愿者认领。
                  </View>
                </View>
              )}

              {d.participants.length > 0 && (
                <View className="card" data-testid="volunteer-participants">
                  <View className="card-title">{d.kind === 'wish' ? '认领的志愿者' : '报名的志愿者'}</View>
                  {d.participants.map((x) => (
                    <View key={x.id} className="row" data-testid="volunteer-participant">
                      <View className="row-main">
                        <View className="row-title">
                          {x.name}
                          {x.isPartyMember ? '（党员）' : ''}
                        </View>
                        <View className="muted">
                          {formatTime(x.createdAt)}
                          {x.hours !== null ? ` · ${x.hours} 小时` : ''}
                        </View>
                      </View>
                      <Text className={x.status === 'confirmed' ? 'tag' : 'tag tag-warn'}>
                        {PARTICIPATION_STATUS_NAMES[x.status]}
                      </Text>
                    </View>
                  ))}
                </View>
              )}

              {d.canConfirm && <ConfirmCard d={d} onDone={() => void reload()} />}
              {d.status === 'claimed' && owner && !d.canConfirm && (
                <View className="card">
                  <View className="muted">志愿者服务完成后，请在此确认。</View>
                </View>
              )}

              <View className="vol-actions">
                {d.canClaim && (
                  <Button className="btn" id="volunteer-claim" disabled={busy} onClick={() => void claim(d)}>
                    {d.kind === 'wish' ? '认领心愿' : '报名参加'}
                  </Button>
                )}
                {mine?.status === 'signed_up' && (
                  <>
                    <View className="muted" data-testid="volunteer-mine">
                      {d.kind === 'wish'
                        ? '您已认领这个心愿，请与心愿人约定时间上门服务，完成后由心愿人确认。'
                        : '您已报名，请按时参加，活动结束后由组织者确认。'}
                    </View>
                    <Button
                      className="btn btn-secondary"
                      id="volunteer-withdraw"
                      disabled={busy}
                      onClick={() => void withdraw(d)}
                    >
                      {d.kind === 'wish' ? '取消认领' : '取消报名'}
                    </Button>
                  </>
                )}
                {!d.canClaim && !owner && !mine && d.status === 'open' && (
                  <View className="card" data-testid="volunteer-hint">
                    <View className="muted">注册志愿者并通过社区审核后，才能认领心愿、报名活动。</View>
                    <Button
                      className="btn btn-secondary"
                      id="volunteer-go-register"
                      onClick={() => void Taro.navigateTo({ url: VOLUNTEER_REGISTER })}
                    >
                      注册志愿者
                    </Button>
                  </View>
                )}
                {owner &&
                  d.kind === 'wish' &&
                  !confirmed &&
                  ['pending_review', 'open', 'claimed'].includes(d.status) && (
                    <Button
                      className="btn btn-danger"
                      id="volunteer-cancel"
                      disabled={busy}
                      onClick={() => void cancel(d)}
                    >
                      取消心愿
                    </Button>
                  )}
              </View>

              {timeline && (
                <View className="card" data-testid="volunteer-timeline">
                  <View className="card-title">进度</View>
                  {!steps.length && <View className="muted">暂无进度</View>}
                  {steps.map(({ entry: t, label }, i) => (
                    <View key={i} className="timeline-entry" data-testid="timeline-entry">
                      <View className="timeline-dot" />
                      <View>{label}</View>
                      {t.comment && <View className="muted">{t.comment}</View>}
                      <FilePhotos ids={t.fileIds} />
                      <View className="muted">
                        {formatTime(t.at)}
                        {t.actor ? ` · ${t.actor.name}` : ''}
                      </View>
                    </View>
                  ))}
                </View>
              )}
            </>
          );
        }}
      </Guard>
    </View>
  );
}
