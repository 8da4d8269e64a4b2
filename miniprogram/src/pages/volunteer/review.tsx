// 志愿服务管理 (community staff): the steps the volunteer processes give the community, worked on the phone.
// The workbench (no parameters) has tabs: 志愿者注册 (pending registrations), 心愿审核 and 活动审核 (社区审核 of a
// wish or activity; activities only for the community admin), 核实服务 (claimed wishes: 社区核实服务, confirming on
// the owner's behalf, the process credits the wish's points) and 活动签到与时长 (open activities: 确认参与并记录时长
// per participant once the activity has ended); paged as the list scrolls, pull down to refresh.
// One item: `?kind=wish|activity|registration&id=…`, or `?instance=<workflow instance>` from a task (the case's
// business key is the wish's or activity's id): the item and the form of its step; after an action it reloads.
import { useCallback, useRef, useState } from 'react';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import type {
  VolunteerActivity,
  VolunteerActivityDetail as Detail,
  VolunteerRegistration,
} from '@linli/contracts';
import {
  PARTICIPATION_STATUS_NAMES,
  REGISTRATION_STATUS_NAMES,
  statusNameOf,
  uploadPhotos,
  VOLUNTEER_KIND_NAMES,
  volunteerApi,
  type Page,
  type PickedPhoto,
} from '../../services';
import {
  mayReviewActivities,
  mayReviewVolunteers,
  REVIEW_TAB_NAMES,
  reviewTabsFor,
  staffMessageOf,
  volunteerStaffApi,
  type ParticipantHours,
  type VolunteerReviewKind,
  type VolunteerReviewTab,
} from '../../services/volunteer-staff';
import { Empty, FilePhotos, formatTime, Guard, PhotoPicker } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { volunteerDetail, volunteerReview } from '../../routes';
import { volunteerTagClass } from './state-tag';
import './volunteer.css';

const HOURS = [0.5, 1, 1.5, 2, 3, 4];
const POINTS = [5, 10, 15, 20, 30, 50];
const hoursId = (h: number) => String(h).replace('.', '_');

/** registrations opened from the list, so that the item need not search for them */
const seenRegistrations = new Map<string, VolunteerRegistration>();

function fail(err: unknown) {
  void Taro.showToast({ title: staffMessageOf(err), icon: 'none', duration: 3000 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ended = (a: Pick<VolunteerActivity, 'endsAt'>) => !!a.endsAt && new Date(a.endsAt) <= new Date();

const EMPTY_TEXT: Record<VolunteerReviewTab, string> = {
  registration: '暂无待审核的志愿者登记。居民在「志愿服务」中注册志愿者后，会在这里等待您审核。',
  wish: '暂无待审核的微心愿。居民发布心愿后，会在这里等待审核，通过后公开给志愿者认领。',
  activity: '暂无待审核的志愿活动。网格员发布活动后，由社区管理员在这里审核。',
  verify: '暂无待核实的服务。志愿者认领心愿后，可在这里电话联系心愿人，代为核实服务并发放积分。',
  attendance: '暂无进行中的志愿活动。活动结束后，在这里确认参加人员和服务时长。',
};

// ---- the workbench -------------------------------------------------------------------------------------------

type Row = VolunteerRegistration | VolunteerActivity;

interface Listed {
  tab: VolunteerReviewTab;
  page: Page<Row>;
  counts: Partial<Record<VolunteerReviewTab, number>>;
}

const fetchTab = (tab: VolunteerReviewTab, page: number): Promise<Page<Row>> =>
  tab === 'registration' ? volunteerStaffApi.pendingRegistrations(page) : volunteerStaffApi.list(tab, page);

function RegistrationRow({ r }: { r: VolunteerRegistration }) {
  return (
    <View
      className="row"
      data-testid="review-row"
      onClick={() => {
        seenRegistrations.set(r.id, r);
        void Taro.navigateTo({ url: volunteerReview('registration', r.id) });
      }}
    >
      <View className="row-main">
        <View className="row-title">
          {r.name}
          {r.isPartyMember ? '（党员）' : ''}
        </View>
        <View className="muted">特长：{r.skills.length ? r.skills.join('、') : '未填写'}</View>
        <View className="muted">登记于 {formatTime(r.createdAt)}</View>
      </View>
      <Text className="tag tag-warn" data-testid="review-row-state">
        {REGISTRATION_STATUS_NAMES[r.status]}
      </Text>
    </View>
  );
}

function ActivityRow({ a, tab }: { a: VolunteerActivity; tab: VolunteerReviewTab }) {
  const waiting = tab === 'attendance' && ended(a);
  return (
    <View
      className="row"
      data-testid="review-row"
      onClick={() => void Taro.navigateTo({ url: volunteerReview(a.kind, a.id) })}
    >
      <View className="row-main">
        <View className="row-title">{a.title}</View>
        <View className="muted">
          {a.kind === 'activity'
            ? `${formatTime(a.startsAt)} 至 ${formatTime(a.endsAt)} · 已报 ${a.taken}/${a.slots}`
            : `${a.createdBy.name} · ${formatTime(a.createdAt)}`}
        </View>
        <View className="muted">{a.place}</View>
      </View>
      <View style={{ textAlign: 'right', marginLeft: '16px' }}>
        <View className="vol-points">
          {a.status === 'pending_review' && a.kind === 'wish' ? '积分待定' : `${a.points} 积分`}
        </View>
        <Text
          className={tab === 'attendance' ? (waiting ? 'tag tag-warn' : 'tag') : volunteerTagClass(a)}
          data-testid="review-row-state"
        >
          {tab === 'attendance' ? (waiting ? '待确认参与' : '未结束') : statusNameOf(a)}
        </Text>
      </View>
    </View>
  );
}

function Workbench({ initial }: { initial: VolunteerReviewTab }) {
  const tabs = reviewTabsFor();
  const [tab, setTab] = useState<VolunteerReviewTab>(tabs.includes(initial) ? initial : 'registration');
  const [more, setMore] = useState<Row[]>([]);
  const [pageNo, setPageNo] = useState(1);
  const current = useRef(tab);
  const load = useCallback(async (): Promise<Listed> => {
    const want = current.current;
    setMore([]);
    setPageNo(1);
    // the first page of every tab: the one shown, and the others' counts
    const tabs = reviewTabsFor();
    const pages = await Promise.all(tabs.map((t) => fetchTab(t, 1)));
    const counts: Listed['counts'] = {};
    tabs.forEach((t, i) => (counts[t] = pages[i]!.total));
    return { tab: want, page: pages[tabs.indexOf(want)]!, counts };
  }, []);
  const [state, reload] = useLoader(load);

  const choose = (next: VolunteerReviewTab) => {
    current.current = next;
    setTab(next);
    void reload();
  };

  useReachBottom(() => {
    const d = state.data;
    if (!d || d.page.items.length + more.length >= d.page.total) return;
    fetchTab(d.tab, pageNo + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPageNo(pageNo + 1);
      })
      .catch(fail);
  });

  const stale = state.data && state.data.tab !== tab;
  return (
    <View className="page" data-testid="volunteer-review">
      <View className="card">
        <View className="muted">
          审核居民的志愿者登记、微心愿{mayReviewActivities() ? '和志愿活动' : ''}
          ，代心愿人核实服务，活动结束后确认参加人员和时长。积分由系统按流程发放。
        </View>
      </View>
      <View className="chips" data-testid="review-tabs">
        {tabs.map((t) => (
          <View
            key={t}
            id={`review-tab-${t}`}
            className={`chip ${t === tab ? 'chip-on' : ''}`}
            onClick={() => choose(t)}
          >
            {REVIEW_TAB_NAMES[t]}
            {state.data?.counts[t] ? ` ${state.data.counts[t]}` : ''}
          </View>
        ))}
      </View>
      <Guard state={stale ? {} : state} onRetry={reload}>
        {(d) => {
          const items = [...d.page.items, ...more];
          if (!items.length)
            return (
              <View data-testid="review-tab-content" data-tab={d.tab}>
                <Empty text={EMPTY_TEXT[d.tab]} />
              </View>
            );
          return (
            <View className="card" data-testid="review-list" data-tab={d.tab}>
              <View className="card-title">
                <Text>{REVIEW_TAB_NAMES[d.tab]}</Text>
                <Text className="muted">共 {d.page.total} 项</Text>
              </View>
              {items.map((x) =>
                d.tab === 'registration' ? (
                  <RegistrationRow key={x.id} r={x as VolunteerRegistration} />
                ) : (
                  <ActivityRow key={x.id} a={x as VolunteerActivity} tab={d.tab} />
                ),
              )}
              {items.length >= d.page.total && <View className="muted">没有更多了</View>}
            </View>
          );
        }}
      </Guard>
    </View>
  );
}

// ---- one item and its step's form ---------------------------------------------------------------------------

function Decision({ approve, onChange }: { approve: boolean; onChange: (v: boolean) => void }) {
  return (
    <View className="chips">
      <View id="review-approve" className={`chip ${approve ? 'chip-on' : ''}`} onClick={() => onChange(true)}>
        通过
      </View>
      <View id="review-reject" className={`chip ${approve ? '' : 'chip-on'}`} onClick={() => onChange(false)}>
        不通过
      </View>
    </View>
  );
}

function ReasonField({
  approve,
  reason,
  onChange,
  error,
}: {
  approve: boolean;
  reason: string;
  onChange: (v: string) => void;
  error: string;
}) {
  return (
    <View className="field">
      <View className="label">
        {approve ? '审核意见（选填）' : '不通过的原因'}
        {!approve && <Text className="required-mark"> *</Text>}
      </View>
      <Textarea
        className="textarea"
        id="review-reason"
        value={reason}
        maxlength={500}
        placeholder={approve ? '如：情况属实，同意' : '如：不属于志愿服务范围，请联系物业'}
        onInput={(e) => onChange(e.detail.value)}
      />
      {error && (
        <View className="field-error" data-testid="review-reason-error">
          {error}
        </View>
      )}
    </View>
  );
}

/** 志愿者登记审核 */
function RegistrationForm({
  r,
  onDone,
}: {
  r: VolunteerRegistration;
  onDone: (r: VolunteerRegistration) => void;
}) {
  const [approve, setApprove] = useState(true);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!approve && !reason.trim()) {
      setError('请填写不通过的原因，居民会收到这条说明');
      return;
    }
    setError('');
    setBusy(true);
    try {
      const updated = await volunteerStaffApi.reviewRegistration(r.id, approve, reason.trim() || undefined);
      void Taro.showToast({
        title: approve ? '已通过，居民已成为志愿者' : '已退回，居民会收到原因',
        icon: 'none',
      });
      onDone(updated);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="review-form">
      <View className="card-title">志愿者登记审核</View>
      <View className="field">
        <View className="label">审核结果</View>
        <Decision approve={approve} onChange={setApprove} />
      </View>
      <ReasonField approve={approve} reason={reason} onChange={setReason} error={error} />
      <Button className="btn" id="review-submit" disabled={busy} onClick={() => void send()}>
        {busy ? '正在提交…' : '提交审核'}
      </Button>
    </View>
  );
}

/** 社区审核 of a wish (with its points) or an activity */
function ReviewForm({ d, onDone }: { d: Detail; onDone: () => void }) {
  const [approve, setApprove] = useState(true);
  const [points, setPoints] = useState(d.points || 10);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!approve && !reason.trim()) {
      setError(`请填写不通过的原因，${d.kind === 'wish' ? '心愿人' : '发布人'}会收到这条说明`);
      return;
    }
    setError('');
    setBusy(true);
    try {
      await volunteerStaffApi.review(d.id, {
        approve,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(approve && d.kind === 'wish' ? { points } : {}),
      });
      void Taro.showToast({
        title: approve ? `已通过，${VOLUNTEER_KIND_NAMES[d.kind]}将公开给志愿者` : '已退回，发布人会收到原因',
        icon: 'none',
      });
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="review-form">
      <View className="card-title">社区审核</View>
      <View className="field">
        <View className="label">审核结果</View>
        <Decision approve={approve} onChange={setApprove} />
      </View>
      {approve && d.kind === 'wish' && (
        <View className="field">
          <View className="label">服务完成后志愿者获得的积分</View>
          <View className="chips">
            {POINTS.map((p) => (
              <View
                key={p}
                id={`review-points-${p}`}
                className={`chip ${points === p ? 'chip-on' : ''}`}
                onClick={() => setPoints(p)}
              >
                {p} 积分
              </View>
            ))}
          </View>
        </View>
      )}
      {approve && d.kind === 'activity' && (
        <View className="muted" style={{ marginBottom: '24px' }}>
          通过后开放报名：{d.slots} 个名额，每人 {d.hours} 小时、{d.points} 积分。
        </View>
      )}
      <ReasonField approve={approve} reason={reason} onChange={setReason} error={error} />
      <Button className="btn" id="review-submit" disabled={busy} onClick={() => void send()}>
        {busy ? '正在提交…' : '提交审核'}
      </Button>
    </View>
  );
}

/** 社区核实服务: the staff phone the owner and confirm for them (done: the volunteer gets the wish's points) */
function VerifyForm({ d, onDone }: { d: Detail; onDone: () => void }) {
  const [done, setDone] = useState(true);
  const [hours, setHours] = useState<number>(HOURS.includes(d.hours) ? d.hours : 1);
  const [comment, setComment] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState('');
  const serving = d.participants.filter((x) => x.status === 'signed_up');
  const send = async () => {
    const res = await Taro.showModal({
      title: done ? '核实服务已完成' : '服务未完成',
      content: done
        ? `确认${serving.map((x) => x.name).join('、') || '志愿者'}已完成服务？将发放 ${d.points} 积分、记录 ${hours} 小时。`
        : '确认服务没有完成？志愿者的认领将被取消，心愿重新开放认领。',
      confirmText: '确认',
      cancelText: '返回',
    });
    if (!res.confirm) return;
    try {
      const photoIds = await uploadPhotos(photos, '核实照片', setBusy);
      setBusy('正在提交…');
      await volunteerStaffApi.verifyWish(d.id, {
        done,
        ...(done ? { hours } : {}),
        photoIds,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      void Taro.showToast({
        title: done ? '已核实，积分将发放给志愿者' : '已提交，心愿重新开放认领',
        icon: 'none',
      });
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy('');
    }
  };
  return (
    <View className="card" data-testid="verify-form">
      <View className="card-title">社区核实服务</View>
      <View className="muted" style={{ marginBottom: '24px' }}>
        请联系心愿人{d.createdBy.name}核实志愿者是否已完成服务。
      </View>
      <View className="field">
        <View className="label">核实结果</View>
        <View className="chips">
          <View id="verify-done" className={`chip ${done ? 'chip-on' : ''}`} onClick={() => setDone(true)}>
            服务已完成
          </View>
          <View
            id="verify-not-done"
            className={`chip ${done ? '' : 'chip-on'}`}
            onClick={() => setDone(false)}
          >
            服务未完成
          </View>
        </View>
      </View>
      {done && (
        <>
          <View className="field">
            <View className="label">服务时长</View>
            <View className="chips">
              {HOURS.map((h) => (
                <View
                  key={h}
                  id={`verify-hours-${hoursId(h)}`}
                  className={`chip ${hours === h ? 'chip-on' : ''}`}
                  onClick={() => setHours(h)}
                >
                  {h} 小时
                </View>
              ))}
            </View>
          </View>
          <View className="muted" style={{ marginBottom: '24px' }} data-testid="verify-points">
            核实后按流程为志愿者发放 <Text className="vol-points">{d.points} 积分</Text>
          </View>
        </>
      )}
      <View className="field">
        <View className="label">核实说明（选填）</View>
        <Input
          className="input"
          id="verify-comment"
          value={comment}
          maxlength={500}
          placeholder="如：已电话联系心愿人，服务已完成"
          onInput={(e) => setComment(e.detail.value)}
        />
      </View>
      <View className="field">
        <View className="label">照片（选填）</View>
        <PhotoPicker
          photos={photos}
          onChange={setPhotos}
          addId="verify-add-photo"
          addLabel="+ 拍照/相册"
          testid="verify-photo"
        />
      </View>
      <Button className="btn" id="verify-submit" disabled={!!busy} onClick={() => void send()}>
        {busy || (done ? '核实已完成' : '提交：服务未完成')}
      </Button>
    </View>
  );
}

/** 确认参与并记录时长: who attended, each with their hours; those marked absent earn nothing */
function AttendanceForm({ d, onDone }: { d: Detail; onDone: () => void }) {
  const waiting = d.participants.filter((x) => x.status === 'signed_up');
  const [rows, setRows] = useState<ParticipantHours[]>(
    waiting.map((x) => ({ participationId: x.id, attended: true, hours: d.hours || 1 })),
  );
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const change = (id: string, patch: Partial<ParticipantHours>) =>
    setRows((rs) => rs.map((r) => (r.participationId === id ? { ...r, ...patch } : r)));
  const send = async () => {
    const came = rows.filter((r) => r.attended).length;
    const res = await Taro.showModal({
      title: '确认参与情况',
      content: `到场 ${came} 人，未到 ${rows.length - came} 人。确认后为到场的志愿者每人发放 ${d.points} 积分。`,
      confirmText: '确认',
      cancelText: '返回',
    });
    if (!res.confirm) return;
    setBusy(true);
    try {
      await volunteerStaffApi.confirmAttendance(
        d.id,
        rows.map((r) => (r.attended ? r : { participationId: r.participationId, attended: false })),
        comment.trim() || undefined,
      );
      void Taro.showToast({ title: '已确认，积分将发放给到场的志愿者', icon: 'none' });
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="card" data-testid="attendance-form">
      <View className="card-title">确认参与并记录时长</View>
      {!waiting.length && <View className="muted">没有志愿者报名。确认后活动结束。</View>}
      {waiting.map((x) => {
        const r = rows.find((y) => y.participationId === x.id)!;
        return (
          <View key={x.id} className="row" data-testid="attendance-row">
            <View className="row-main">
              <View className="row-title">
                {x.name}
                {x.isPartyMember ? '（党员）' : ''}
              </View>
              {r.attended && (
                <View className="chips" style={{ marginTop: '12px', alignItems: 'center' }}>
                  <View
                    className="chip"
                    id={`att-minus-${x.id}`}
                    onClick={() => change(x.id, { hours: Math.max(0.5, (r.hours ?? 1) - 0.5) })}
                  >
                    −
                  </View>
                  <Text style={{ margin: '0 16px 16px 0' }} data-testid="attendance-hours">
                    {r.hours} 小时
                  </Text>
                  <View
                    className="chip"
                    id={`att-plus-${x.id}`}
                    onClick={() => change(x.id, { hours: Math.min(24, (r.hours ?? 1) + 0.5) })}
                  >
                    ＋
                  </View>
                </View>
              )}
            </View>
            <View
              id={`att-${x.id}`}
              className={`chip ${r.attended ? 'chip-on' : ''}`}
              onClick={() => change(x.id, { attended: !r.attended })}
            >
              {r.attended ? '已到场' : '未到场'}
            </View>
          </View>
        );
      })}
      <View className="field" style={{ marginTop: '24px' }}>
        <View className="label">说明（选填）</View>
        <Input
          className="input"
          id="attendance-comment"
          value={comment}
          maxlength={500}
          placeholder="如：活动顺利完成"
          onInput={(e) => setComment(e.detail.value)}
        />
      </View>
      <Button className="btn" id="attendance-submit" disabled={busy} onClick={() => void send()}>
        {busy ? '正在提交…' : '确认参与情况'}
      </Button>
    </View>
  );
}

type ItemData =
  { kind: 'registration'; r: VolunteerRegistration | null } | { kind: 'wish' | 'activity'; d: Detail };

function RegistrationItem({
  r,
  onDone,
}: {
  r: VolunteerRegistration;
  onDone: (r: VolunteerRegistration) => void;
}) {
  return (
    <>
      <View className="card" data-testid="review-item-card">
        <View className="card-title">
          <Text data-testid="review-item-title">
            {r.name}
            {r.isPartyMember ? '（党员）' : ''}
          </Text>
          <Text
            className={
              r.status === 'pending' ? 'tag tag-warn' : r.status === 'approved' ? 'tag' : 'tag tag-done'
            }
            data-testid="review-item-state"
          >
            {REGISTRATION_STATUS_NAMES[r.status]}
          </Text>
        </View>
        <View className="muted">志愿者登记 · {formatTime(r.createdAt)}</View>
        <View>特长：{r.skills.length ? r.skills.join('、') : '未填写'}</View>
        {r.note && <View className="muted">备注：{r.note}</View>}
        {r.status !== 'pending' && (
          <View className="muted" data-testid="review-item-result">
            {r.status === 'approved' ? '已通过审核' : `未通过：${r.reviewNote ?? ''}`}
            {r.reviewedAt ? ` · ${formatTime(r.reviewedAt)}` : ''}
          </View>
        )}
      </View>
      {r.status === 'pending' && <RegistrationForm r={r} onDone={onDone} />}
    </>
  );
}

function ActivityItem({ d, onDone }: { d: Detail; onDone: () => void }) {
  const step =
    d.status === 'pending_review'
      ? 'review'
      : d.canConfirm
        ? d.kind === 'wish'
          ? 'verify'
          : 'attendance'
        : null;
  return (
    <>
      <View className="card" data-testid="review-item-card">
        <View className="card-title">
          <Text data-testid="review-item-title">{d.title}</Text>
          <Text className={volunteerTagClass(d)} data-testid="review-item-state">
            {d.kind === 'activity' && d.status === 'open' && ended(d) ? '待确认参与' : statusNameOf(d)}
          </Text>
        </View>
        <View className="muted">
          {VOLUNTEER_KIND_NAMES[d.kind]} ·{' '}
          <Text className="vol-points">
            {d.status === 'pending_review' && d.kind === 'wish' ? '积分待审核确定' : `${d.points} 积分`}
          </Text>
          {d.kind === 'activity' ? ` · 每人 ${d.hours} 小时` : ''}
        </View>
        <View data-testid="review-item-description">{d.description}</View>
        <View className="muted">地点：{d.place}</View>
        {d.kind === 'activity' && (
          <View className="muted">
            时间：{formatTime(d.startsAt)} 至 {formatTime(d.endsAt)} · 名额 {d.taken}/{d.slots}
          </View>
        )}
        {d.kind === 'wish' && d.startsAt && <View className="muted">希望时间：{formatTime(d.startsAt)}</View>}
        <View className="muted">
          {d.kind === 'wish' ? '心愿人' : '发布'}：{d.createdBy.name} · {formatTime(d.createdAt)}
        </View>
        {d.status === 'rejected' && <View className="muted">未通过原因：{d.reviewNote ?? '未说明'}</View>}
        <FilePhotos ids={d.photoIds} />
        <View
          className="link"
          id="review-open-detail"
          onClick={() => void Taro.navigateTo({ url: volunteerDetail(d.id) })}
        >
          查看详情与进度 ›
        </View>
      </View>

      {d.participants.length > 0 && step !== 'attendance' && (
        <View className="card" data-testid="review-participants">
          <View className="card-title">{d.kind === 'wish' ? '认领的志愿者' : '报名的志愿者'}</View>
          {d.participants.map((x) => (
            <View key={x.id} className="row">
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
                {d.kind === 'wish' && x.status === 'signed_up'
                  ? '已认领'
                  : PARTICIPATION_STATUS_NAMES[x.status]}
              </Text>
            </View>
          ))}
        </View>
      )}

      {step === 'review' &&
        (d.kind === 'activity' && !mayReviewActivities() ? (
          <View className="card">
            <View className="muted" data-testid="review-hint">
              志愿活动由社区管理员审核，审核通过后开放报名。
            </View>
          </View>
        ) : (
          <ReviewForm d={d} onDone={onDone} />
        ))}
      {step === 'verify' && <VerifyForm d={d} onDone={onDone} />}
      {step === 'attendance' && <AttendanceForm d={d} onDone={onDone} />}
      {!step && (
        <View className="card">
          <View className="muted" data-testid="review-hint">
            {d.kind === 'activity' && d.status === 'open' && !ended(d)
              ? `活动结束后（${formatTime(d.endsAt)}）在这里确认参加人员和时长。`
              : d.kind === 'wish' && d.status === 'open'
                ? '心愿已发布，等待志愿者认领；认领后可在这里核实服务。'
                : '此事项当前没有需要社区处理的步骤。'}
          </View>
        </View>
      )}
    </>
  );
}

function Item({ kind, id, instance }: { kind: VolunteerReviewKind | null; id: string; instance: string }) {
  const load = useCallback(async (): Promise<ItemData> => {
    const which = instance ? await volunteerStaffApi.itemOfInstance(instance) : { kind: kind!, id };
    if (which.kind === 'registration')
      return {
        kind: 'registration',
        r: seenRegistrations.get(which.id) ?? (await volunteerStaffApi.registration(which.id)),
      };
    return { kind: which.kind, d: await volunteerApi.get(which.id) };
  }, [kind, id, instance]);
  const [state, reload] = useLoader(load);
  const [reloading, setReloading] = useState(false);

  /** after a step the process moves on by itself (publish, credit points): read again until it has */
  const reloadAfter = async (before: Detail) => {
    setReloading(true);
    try {
      for (let i = 0; i < 12; i++) {
        const d = await volunteerApi.get(before.id);
        if (d.status !== before.status) break;
        await sleep(500);
      }
    } catch {
      // the reload below shows the error
    }
    await reload();
    setReloading(false);
  };

  return (
    <View className="page" data-testid="volunteer-review-item">
      <Guard state={state} onRetry={reload}>
        {(x) => {
          if (x.kind === 'registration') {
            if (!x.r)
              return <Empty text="找不到这条志愿者登记，可能不在您负责的范围内。请返回志愿服务管理查看。" />;
            return (
              <RegistrationItem
                r={x.r}
                onDone={(r) => {
                  seenRegistrations.set(r.id, r);
                  void reload();
                }}
              />
            );
          }
          return (
            <>
              {reloading && <View className="muted">正在更新…</View>}
              <ActivityItem d={x.d} onDone={() => void reloadAfter(x.d)} />
            </>
          );
        }}
      </Guard>
    </View>
  );
}

export default function VolunteerReview() {
  const { params } = useRouter();
  if (!mayReviewVolunteers())
    return (
      <View className="page" data-testid="volunteer-review">
        <Empty text="志愿服务管理供网格员和社区管理员使用。居民和志愿者请在「志愿服务」中查看心愿和活动。" />
      </View>
    );
  const kind = (['wish', 'activity', 'registration'] as const).find((k) => k === params.kind) ?? null;
  if ((kind && params.id) || params.instance)
    return <Item kind={kind} id={params.id ?? ''} instance={params.instance ?? ''} />;
  const tab = (Object.keys(REVIEW_TAB_NAMES) as VolunteerReviewTab[]).find((t) => t === params.tab);
  return <Workbench initial={tab ?? 'registration'} />;
}
