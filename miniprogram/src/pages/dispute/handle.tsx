// 调解办理 (staff): one dispute as the committee member, mediator or admin works it: the case (parties with
// phones as the server masks them, 查看完整号码 with a reason for the mediator and admins, audited by the
// server), the sessions, the agreement, and the step in front of the viewer with its form: 受理 / 不予受理
// (naming the mediator from GET /disputes/:id/mediators), 记录调解 (time, place, attendees, notes, photos),
// 调解结果 (达成协议 with the terms / 未达成 with the referral and reason), 退回, 当事人签字 on the signature
// pad, and 回访. After each step the case is read again and shows the next one. Opened as `?id=<disputeId>`
// or from a task as `?instance=<instanceId>`.
import { useCallback, useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Image, Input, Picker, Switch, Text, Textarea, View } from '@tarojs/components';
import type { DisputeCategory, DisputeDetail as Detail, Timeline } from '@linli/contracts';
import {
  ApiFailure,
  DISPUTE_CATEGORY_NAMES,
  DISPUTE_PARTY_ROLE_NAMES,
  DISPUTE_STATUS_NAMES,
  DISPUTE_STEP_NAMES,
  disputesApi,
  uploadPhoto,
  uploadPhotos,
  type PickedPhoto,
} from '../../services';
import { disputeFileUrl, disputeStaffApi, type MediatorChoice } from '../../services/dispute-staff';
import { Chips, formatTime, Guard, PhotoPicker } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { SignaturePad } from '../../components/signature-pad';
import { stateTagClass } from './state-tag';
import './handle.css';

interface Loaded {
  d: Detail;
  timeline: Timeline | null;
  mediators: MediatorChoice[];
}

const CATEGORIES = Object.keys(DISPUTE_CATEGORY_NAMES) as DisputeCategory[];
const pad2 = (n: number) => String(n).padStart(2, '0');
const dateOf = (d: Date) => `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
const formatTimeOfDay = (d: Date) => `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
const works = (d: Detail) => d.viewAs === 'mediator' || d.viewAs === 'admin';
const decides = (d: Detail) => d.viewAs === 'committee' || d.viewAs === 'admin';

/** photos and signatures of the case, read through GET /disputes/:id/file */
function DisputePhotos({
  disputeId,
  ids,
  testid = 'case-photo',
}: {
  disputeId: string;
  ids: string[];
  testid?: string;
}) {
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    Promise.all(ids.map((f) => disputeFileUrl(disputeId, f).catch(() => '')))
      .then((u) => live && setUrls(u))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [disputeId, ids.join(',')]);
  if (!ids.length) return null;
  return (
    <View className="photos">
      {ids.map((id, i) =>
        urls[i] ? (
          <Image key={id} className="photo" src={urls[i]!} mode="aspectFill" data-testid={testid} />
        ) : (
          <View key={id} className="photo" />
        ),
      )}
    </View>
  );
}

/** a form's submit: shows the problem beside the form, or runs the request and reloads the case */
function useSubmit(onDone: () => void) {
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const run = async (
    problem: string,
    action: (progress: (t: string) => void) => Promise<unknown>,
    done: string,
  ) => {
    if (problem) {
      setError(problem);
      return;
    }
    setError('');
    setBusy('正在提交…');
    try {
      await action(setBusy);
      setBusy('');
      void Taro.showToast({ title: done, icon: 'success' });
      onDone();
    } catch (err) {
      setBusy('');
      setError(err instanceof ApiFailure ? refusal(err) : '提交失败，请重试');
      toastError(err);
    }
  };
  return { busy, error, setError, run };
}

/** what the server's refusal means for this page, in Chinese */
function refusal(err: ApiFailure): string {
  if (err.status === 409) return `案件当前环节已变化，无法办理此步骤，请下拉刷新后查看（${err.userMessage}）`;
  if (err.status === 403) return '您不是本案的调解员或管理人员，无法办理此步骤';
  if (err.status === 400 && err.serverMessage.includes('mediatorUserId'))
    return '所选调解员不是本社区的网格员或调解委员会成员';
  if (err.status === 400 && err.serverMessage.includes('fileId')) return '签名图片上传有误，请重新签名';
  return err.userMessage;
}

function FormError({ text }: { text: string }) {
  if (!text) return null;
  return (
    <View className="field-error" data-testid="step-error">
      {text}
    </View>
  );
}

// ---------------------------------------------------------------------------------------------------------
// 分类受理

function AcceptStep({
  d,
  mediators,
  onDone,
}: {
  d: Detail;
  mediators: MediatorChoice[];
  onDone: () => void;
}) {
  const [decision, setDecision] = useState<'accept' | 'reject'>('accept');
  const [category, setCategory] = useState<DisputeCategory | ''>(d.category ?? '');
  const [mediator, setMediator] = useState('');
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const [referredTo, setReferredTo] = useState('');
  const { busy, error, setError, run } = useSubmit(onDone);

  const submit = () => {
    if (decision === 'accept')
      return run(
        !category ? '请选择纠纷类型' : !mediator ? '请选择调解员' : '',
        () =>
          disputeStaffApi.accept(d.id, {
            category: category as DisputeCategory,
            mediatorUserId: mediator,
            comment: comment.trim() || undefined,
          }),
        '已受理',
      );
    return run(
      reason.trim().length < 2
        ? '请填写不予受理的原因'
        : referredTo.trim().length < 2
          ? '请填写建议申请人前往的机构，如劳动人事争议仲裁委员会'
          : '',
      () => disputeStaffApi.reject(d.id, { reason: reason.trim(), referredTo: referredTo.trim() }),
      '已告知申请人',
    );
  };

  return (
    <View className="card" data-testid="dispute-step">
      <View className="card-title">
        <Text data-testid="dispute-step-name">当前环节：分类受理</Text>
      </View>
      <View className="dh-notice">请在登记后1个工作日内作出受理决定，超时将转社区管理员督办。</View>
      <View className="field">
        <View className="label">受理决定</View>
        <Chips
          value={decision}
          options={[
            ['accept', '受理'],
            ['reject', '不予受理'],
          ]}
          onChange={(v) => {
            setDecision(v);
            setError('');
          }}
          idPrefix="decision"
        />
      </View>
      {decision === 'accept' ? (
        <>
          <View className="field">
            <View className="label">纠纷类型</View>
            <Chips
              value={category}
              options={CATEGORIES.map((c) => [c, DISPUTE_CATEGORY_NAMES[c]] as [DisputeCategory, string])}
              onChange={setCategory}
              idPrefix="category"
            />
          </View>
          <View className="field" data-testid="mediator-choices">
            <View className="label">调解员</View>
            {!mediators.length && <View className="muted">本社区暂无可选的调解员，请联系社区管理员</View>}
            <View className="chips">
              {mediators.map((m) => (
                <View
                  key={m.userId}
                  id={`mediator-${m.userId}`}
                  data-testid="mediator-choice"
                  className={`chip ${mediator === m.userId ? 'chip-on' : ''}`}
                  onClick={() => {
                    setMediator(m.userId);
                    setError('');
                  }}
                >
                  {m.name}（{m.kind === 'committee' ? `调委会${m.title}` : m.title}）
                </View>
              ))}
            </View>
          </View>
          <Textarea
            className="textarea"
            id="accept-comment"
            value={comment}
            maxlength={500}
            placeholder="受理意见（选填）"
            onInput={(e) => setComment(e.detail.value)}
          />
        </>
      ) : (
        <>
          <View className="field">
            <View className="label">不予受理原因</View>
            <Textarea
              className="textarea"
              id="reject-reason"
              value={reason}
              maxlength={500}
              placeholder="如：属于劳动争议，应申请劳动仲裁（申请人可见）"
              onInput={(e) => setReason(e.detail.value)}
            />
          </View>
          <View className="field">
            <View className="label">建议前往</View>
            <Input
              className="input"
              id="reject-referred"
              value={referredTo}
              maxlength={200}
              placeholder="如：区劳动人事争议仲裁委员会"
              onInput={(e) => setReferredTo(e.detail.value)}
            />
          </View>
        </>
      )}
      <FormError text={error} />
      <Button
        className={decision === 'reject' ? 'btn btn-danger' : 'btn'}
        id="submit-acceptance"
        disabled={!!busy}
        onClick={submit}
      >
        {busy || (decision === 'accept' ? '确认受理' : '确认不予受理')}
      </Button>
    </View>
  );
}

// ---------------------------------------------------------------------------------------------------------
// 组织调解: sessions, the outcome, 退回

function SessionForm({ d, onDone }: { d: Detail; onDone: () => void }) {
  const now = new Date();
  const [date, setDate] = useState(dateOf(now));
  const [time, setTime] = useState(formatTimeOfDay(now));
  const [place, setPlace] = useState('社区人民调解室');
  const [attendees, setAttendees] = useState(d.parties.map((x) => x.name).join('、'));
  const [notes, setNotes] = useState('');
  const [share, setShare] = useState(false);
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const { busy, error, setError, run } = useSubmit(onDone);

  const submit = () => {
    const at = new Date(`${date}T${time}:00`);
    const names = attendees
      .split(/[、，,\s]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    const problem =
      Number.isNaN(at.getTime()) || at.getTime() > Date.now() + 60_000
        ? '调解时间不能晚于现在'
        : !place.trim()
          ? '请填写调解地点'
          : !names.length
            ? '请填写参加人员'
            : !notes.trim()
              ? '请记录调解情况'
              : '';
    return run(
      problem,
      async (progress) => {
        const fileIds = await uploadPhotos(photos, '调解照片', progress);
        progress('正在提交…');
        await disputeStaffApi.session(d.id, {
          heldAt: at.toISOString(),
          place: place.trim(),
          attendees: names,
          notes: notes.trim(),
          fileIds,
          shareWithParties: share,
        });
      },
      '调解已记录',
    );
  };

  return (
    <>
      <View className="field">
        <View className="label">调解时间</View>
        <View className="dh-row">
          <Picker
            className="dh-grow"
            mode="date"
            value={date}
            end={dateOf(now)}
            onChange={(e) => setDate(e.detail.value)}
          >
            <View className="input" id="session-date">
              <Text>{date}</Text>
            </View>
          </Picker>
          <Picker
            className="dh-grow dh-gap"
            mode="time"
            value={time}
            onChange={(e) => setTime(e.detail.value)}
          >
            <View className="input" id="session-time">
              <Text>{time}</Text>
            </View>
          </Picker>
        </View>
      </View>
      <View className="field">
        <View className="label">调解地点</View>
        <Input
          className="input"
          id="session-place"
          value={place}
          maxlength={200}
          onInput={(e) => setPlace(e.detail.value)}
        />
      </View>
      <View className="field">
        <View className="label">参加人员（用顿号分隔）</View>
        <Input
          className="input"
          id="session-attendees"
          value={attendees}
          maxlength={300}
          onInput={(e) => setAttendees(e.detail.value)}
        />
      </View>
      <View className="field">
        <View className="label">调解情况</View>
        <Textarea
          className="textarea"
          id="session-notes"
          value={notes}
          maxlength={8000}
          placeholder="双方陈述、调解员意见、达成的共识或分歧"
          onInput={(e) => {
            setNotes(e.detail.value);
            setError('');
          }}
        />
      </View>
      <View className="field dh-switch">
        <Text className="label">向当事人公开调解记录</Text>
        <Switch
          id="session-share"
          checked={share}
          color="#1a7f5a"
          onChange={(e) => setShare(e.detail.value)}
        />
      </View>
      <View className="field">
        <View className="label">现场照片（选传）</View>
        <PhotoPicker
          photos={photos}
          onChange={setPhotos}
          max={9}
          addId="session-add-photo"
          addLabel="+ 拍照/相册"
          testid="session-photo"
        />
      </View>
      <FormError text={error} />
      <Button className="btn" id="submit-session" disabled={!!busy} onClick={submit}>
        {busy || '保存调解记录'}
      </Button>
    </>
  );
}

type OutcomeChoice = 'agreement' | 'street' | 'court';

function OutcomeForm({ d, onDone }: { d: Detail; onDone: () => void }) {
  const [choice, setChoice] = useState<OutcomeChoice>('agreement');
  const [terms, setTerms] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useSubmit(onDone);

  const submit = () => {
    if (choice === 'agreement') {
      const list = terms
        .split('\n')
        .map((x) => x.replace(/^\s*\d+[.、．]\s*/, '').trim())
        .filter(Boolean);
      return run(
        !d.sessions.length
          ? '请先记录至少一次调解'
          : !list.length
            ? '请填写协议条款，每行一条'
            : list.some((x) => x.length < 2)
              ? '每条协议条款至少2个字'
              : '',
        () => disputeStaffApi.outcome(d.id, { outcome: 'agreement', terms: list }),
        '已生成调解协议',
      );
    }
    return run(
      !d.sessions.length ? '请先记录至少一次调解' : reason.trim().length < 2 ? '请填写未达成协议的原因' : '',
      () =>
        disputeStaffApi.outcome(d.id, { outcome: 'no_agreement', referral: choice, reason: reason.trim() }),
      choice === 'street' ? '已移交街道' : '已引导诉讼',
    );
  };

  return (
    <>
      <View className="field">
        <View className="label">调解结果</View>
        <Chips
          value={choice}
          options={[
            ['agreement', '达成协议'],
            ['street', '未达成，转交街道'],
            ['court', '未达成，引导诉讼'],
          ]}
          onChange={(v) => {
            setChoice(v);
            setError('');
          }}
          idPrefix="outcome"
        />
      </View>
      {choice === 'agreement' ? (
        <View className="field">
          <View className="label">协议条款（每行一条）</View>
          <Textarea
            className="textarea"
            id="outcome-terms"
            value={terms}
            maxlength={4000}
            placeholder={'如：\n1. 王某于十日内修复卫生间防水\n2. 王某承担天花板修复费用800元'}
            onInput={(e) => {
              setTerms(e.detail.value);
              setError('');
            }}
          />
        </View>
      ) : (
        <View className="field">
          <View className="label">未达成协议的原因</View>
          <Textarea
            className="textarea"
            id="outcome-reason"
            value={reason}
            maxlength={1000}
            placeholder="如：双方对赔偿金额分歧较大"
            onInput={(e) => {
              setReason(e.detail.value);
              setError('');
            }}
          />
        </View>
      )}
      <FormError text={error} />
      <Button
        className={choice === 'agreement' ? 'btn' : 'btn btn-danger'}
        id="submit-outcome"
        disabled={!!busy}
        onClick={submit}
      >
        {busy ||
          (choice === 'agreement' ? '生成调解协议' : choice === 'street' ? '移交街道' : '结案并引导诉讼')}
      </Button>
    </>
  );
}

function ReturnForm({ d, onDone }: { d: Detail; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  return (
    <>
      <View className="dh-notice">退回后案件回到受理环节，由调解委员会重新指定调解员。</View>
      <View className="field">
        <View className="label">退回原因</View>
        <Textarea
          className="textarea"
          id="return-reason"
          value={reason}
          maxlength={500}
          placeholder="如：调解员与被申请人系亲属，申请回避"
          onInput={(e) => setReason(e.detail.value)}
        />
      </View>
      <FormError text={error} />
      <Button
        className="btn btn-danger"
        id="submit-return"
        disabled={!!busy}
        onClick={() =>
          run(
            reason.trim().length < 2 ? '请填写退回原因' : '',
            () => disputeStaffApi.giveBack(d.id, reason.trim()),
            '已退回',
          )
        }
      >
        {busy || '确认退回'}
      </Button>
    </>
  );
}

function MediateStep({ d, onDone }: { d: Detail; onDone: () => void }) {
  const [part, setPart] = useState<'session' | 'outcome' | 'return'>(
    d.sessions.length ? 'outcome' : 'session',
  );
  return (
    <View className="card" data-testid="dispute-step">
      <View className="card-title">
        <Text data-testid="dispute-step-name">当前环节：组织调解</Text>
      </View>
      <View className="muted">
        已记录 {d.sessions.length} 次调解；调解期限30天，可多次记录后再填写调解结果。
      </View>
      <View className="field dh-top">
        <Chips
          value={part}
          options={[
            ['session', '记录调解'],
            ['outcome', '调解结果'],
            ['return', '退回'],
          ]}
          onChange={setPart}
          idPrefix="mediate"
        />
      </View>
      {part === 'session' && <SessionForm d={d} onDone={onDone} />}
      {part === 'outcome' && <OutcomeForm d={d} onDone={onDone} />}
      {part === 'return' && <ReturnForm d={d} onDone={onDone} />}
    </View>
  );
}

// ---------------------------------------------------------------------------------------------------------
// 当事人签字

function SignStep({ d, onDone }: { d: Detail; onDone: () => void }) {
  const unsigned = d.parties.filter((x) => !x.signed);
  const [partyId, setPartyId] = useState(unsigned[0]?.id ?? '');
  const { busy, error, run } = useSubmit(onDone);
  const party = d.parties.find((x) => x.id === partyId);

  const signed = (png: PickedPhoto) =>
    run(
      !party ? '请选择签字的当事人' : '',
      async (progress) => {
        progress('正在上传签名…');
        const file = await uploadPhoto(png, `签名-${party!.name}.png`);
        progress('正在提交…');
        await disputeStaffApi.sign(d.id, party!.id, file.id);
      },
      `${party?.name ?? ''}已签字`,
    );

  return (
    <View className="card" data-testid="dispute-step">
      <View className="card-title">
        <Text data-testid="dispute-step-name">当前环节：当事人签字</Text>
        <Text className="muted">
          {d.parties.length - unsigned.length}/{d.parties.length} 已签
        </Text>
      </View>
      <View className="muted">请当事人阅读协议条款后，在下方签名框内亲笔签名；全部签字后协议生效。</View>
      <View className="field dh-top">
        <View className="label">签字人</View>
        <View className="chips">
          {d.parties.map((x) => (
            <View
              key={x.id}
              id={`sign-party-${x.id}`}
              data-testid="sign-party"
              className={`chip ${x.signed ? 'chip-done' : partyId === x.id ? 'chip-on' : ''}`}
              onClick={() => !x.signed && setPartyId(x.id)}
            >
              {DISPUTE_PARTY_ROLE_NAMES[x.role]}：{x.name}
              {x.signed ? '（已签）' : ''}
            </View>
          ))}
        </View>
      </View>
      {party && (
        <>
          <View className="label" data-testid="signing-as">
            请 {party.name} 签名
          </View>
          {/* a fresh pad per party */}
          <SignaturePad key={party.id} id="signature-canvas" onSigned={signed} busy={busy} />
        </>
      )}
      <FormError text={error} />
    </View>
  );
}

// ---------------------------------------------------------------------------------------------------------
// 回访

const SATISFACTION = [
  ['satisfied', '满意'],
  ['fair', '基本满意'],
  ['unsatisfied', '不满意'],
] as [string, string][];

function FollowUpStep({ d, onDone }: { d: Detail; onDone: () => void }) {
  const now = new Date();
  const [date, setDate] = useState(dateOf(now));
  const [fulfilled, setFulfilled] = useState<'yes' | 'no'>('yes');
  const [satisfaction, setSatisfaction] = useState('satisfied');
  const [note, setNote] = useState('');
  const { busy, error, setError, run } = useSubmit(onDone);

  const submit = () => {
    const at = new Date(`${date}T${formatTimeOfDay(now)}:00`);
    const rating = SATISFACTION.find(([k]) => k === satisfaction)?.[1] ?? '';
    return run(
      !note.trim() ? '请填写回访情况' : at.getTime() > Date.now() + 60_000 ? '回访日期不能晚于今天' : '',
      () =>
        disputeStaffApi.followUp(d.id, {
          visitedAt: at.toISOString(),
          fulfilled: fulfilled === 'yes',
          // the API keeps no satisfaction of its own: it is recorded with the note
          note: `当事人满意度：${rating}。${note.trim()}`,
        }),
      '回访已记录',
    );
  };

  return (
    <View className="card" data-testid="dispute-step">
      <View className="card-title">
        <Text data-testid="dispute-step-name">当前环节：回访</Text>
      </View>
      <View className="field">
        <View className="label">回访日期</View>
        <Picker mode="date" value={date} end={dateOf(now)} onChange={(e) => setDate(e.detail.value)}>
          <View className="input" id="followup-date">
            <Text>{date}</Text>
          </View>
        </Picker>
      </View>
      <View className="field">
        <View className="label">协议履行情况</View>
        <Chips
          value={fulfilled}
          options={[
            ['yes', '已履行'],
            ['no', '未完全履行'],
          ]}
          onChange={setFulfilled}
          idPrefix="fulfilled"
        />
      </View>
      <View className="field">
        <View className="label">当事人满意度</View>
        <Chips
          value={satisfaction}
          options={SATISFACTION}
          onChange={setSatisfaction}
          idPrefix="satisfaction"
        />
      </View>
      <View className="field">
        <View className="label">回访情况</View>
        <Textarea
          className="textarea"
          id="followup-note"
          value={note}
          maxlength={1800}
          placeholder="如：协议已履行，双方无新矛盾"
          onInput={(e) => {
            setNote(e.detail.value);
            setError('');
          }}
        />
      </View>
      <FormError text={error} />
      <Button className="btn" id="submit-followup" disabled={!!busy} onClick={submit}>
        {busy || '提交回访并结案'}
      </Button>
    </View>
  );
}

// ---------------------------------------------------------------------------------------------------------
// The parties, with 查看完整号码

function Parties({ d }: { d: Detail }) {
  const [asking, setAsking] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [full, setFull] = useState<Record<string, string>>({});
  const mayReveal = works(d);

  const reveal = async (partyId: string) => {
    if (reason.trim().length < 2) {
      setError('请填写查看原因，如：电话通知调解时间');
      return;
    }
    try {
      const res = await disputeStaffApi.reveal(d.id, partyId, reason.trim());
      setFull((f) => ({ ...f, [partyId]: res.phone }));
      setAsking('');
      setReason('');
      setError('');
    } catch (err) {
      setError(
        err instanceof ApiFailure && err.status === 403
          ? '只有本案调解员和社区、街道管理员可以查看完整号码'
          : err instanceof ApiFailure
            ? err.userMessage
            : '查看失败，请重试',
      );
    }
  };

  return (
    <View className="card" data-testid="dispute-parties">
      <View className="card-title">当事人</View>
      {d.parties.map((x) => (
        <View key={x.id} className="dh-party" data-testid="dispute-party">
          <View className="dh-party-head">
            <View className="row-title">
              {DISPUTE_PARTY_ROLE_NAMES[x.role]}：{x.name}
            </View>
            {d.outcome === 'agreement' && (
              <Text className={x.signed ? 'tag' : 'tag tag-warn'} data-testid="party-signed">
                {x.signed ? '已签字' : '未签字'}
              </Text>
            )}
          </View>
          {(x.phoneMasked || x.address) && (
            <View className="muted">
              {full[x.id] ? (
                <Text data-testid="party-phone-full">{full[x.id]}</Text>
              ) : (
                <Text data-testid="party-phone">{x.phoneMasked ?? '未留电话'}</Text>
              )}
              {x.address ? ` · ${x.address}` : ''}
            </View>
          )}
          {mayReveal && x.phoneMasked && !full[x.id] && asking !== x.id && (
            <View
              className="dh-link"
              id={`reveal-${x.id}`}
              onClick={() => {
                setAsking(x.id);
                setError('');
              }}
            >
              查看完整号码
            </View>
          )}
          {asking === x.id && (
            <View className="dh-reveal">
              <Input
                className="input"
                id="reveal-reason"
                value={reason}
                maxlength={200}
                placeholder="查看原因（将记入审计日志）"
                onInput={(e) => setReason(e.detail.value)}
              />
              {error && <View className="field-error">{error}</View>}
              <View className="dh-row">
                <Button className="btn btn-secondary dh-grow" onClick={() => setAsking('')}>
                  取消
                </Button>
                <Button className="btn dh-grow dh-gap" id="reveal-confirm" onClick={() => void reveal(x.id)}>
                  确认查看
                </Button>
              </View>
            </View>
          )}
        </View>
      ))}
    </View>
  );
}

/** the step the case waits for, for people who cannot take it here */
function waitingText(d: Detail): string {
  switch (d.status) {
    case 'registered':
      return '等待调解委员会受理';
    case 'mediating':
      return `由调解员${d.mediator?.name ?? ''}组织调解`;
    case 'signing':
      return '等待当事人在调解协议上签字';
    case 'follow_up':
      return '协议已生效，30天后由调解员回访';
    default:
      return '';
  }
}

function StepOf({ l, onDone }: { l: Loaded; onDone: () => void }) {
  const { d, mediators } = l;
  // the outcome is recorded; the agreement is being generated
  if (d.status === 'mediating' && d.outcome)
    return (
      <View className="dh-notice" data-testid="dispute-waiting">
        正在生成调解协议，请稍后下拉刷新
      </View>
    );
  if (d.status === 'registered' && decides(d))
    return <AcceptStep key={d.updatedAt} d={d} mediators={mediators} onDone={onDone} />;
  if (d.status === 'mediating' && works(d)) return <MediateStep key={d.updatedAt} d={d} onDone={onDone} />;
  if (d.status === 'signing' && works(d))
    // a signature does not change updatedAt: a fresh form (and pad) for each signature recorded
    return <SignStep key={d.parties.map((x) => (x.signed ? '1' : '0')).join('')} d={d} onDone={onDone} />;
  if (d.status === 'follow_up' && works(d)) return <FollowUpStep key={d.updatedAt} d={d} onDone={onDone} />;
  const waiting = waitingText(d);
  if (!waiting) return null;
  return (
    <View className="dh-notice" data-testid="dispute-waiting">
      {waiting}
    </View>
  );
}

export default function DisputeHandle() {
  const { params } = useRouter();
  const load = useCallback(async (): Promise<Loaded> => {
    let id = params.id ?? '';
    if (!id && params.instance) {
      const found = await disputeStaffApi.byInstance(params.instance);
      if (!found)
        throw new ApiFailure(
          404,
          'not_found',
          '找不到这件调解案件，您可能不是本案的调解人员',
          params.instance,
        );
      id = found.id;
    }
    if (!id) throw new ApiFailure(404, 'not_found', '缺少案件编号，请从调解列表或待办进入', '');
    const d = await disputesApi.get(id);
    const [timeline, mediators] = await Promise.all([
      disputesApi.timeline(id).catch(() => null),
      d.status === 'registered' && decides(d)
        ? disputeStaffApi.mediators(id).then((r) => r.items)
        : Promise.resolve([]),
    ]);
    return { d, timeline, mediators };
  }, [params.id, params.instance]);
  const [state, reload] = useLoader(load);

  return (
    <View className="page" data-testid="dispute-handle">
      <Guard state={state} onRetry={reload}>
        {(l) => {
          const { d, timeline } = l;
          const steps = (timeline?.entries ?? []).filter(
            (t) => t.kind !== 'task.completed' && t.kind !== 'instance.started',
          );
          return (
            <>
              <View className="card">
                <View className="card-title">
                  <Text data-testid="dispute-title">{d.title}</Text>
                  <Text className={stateTagClass(d)} data-testid="dispute-state">
                    {DISPUTE_STATUS_NAMES[d.status]}
                  </Text>
                </View>
                <View className="muted" data-testid="dispute-category">
                  {d.category ? DISPUTE_CATEGORY_NAMES[d.category] : '待分类'} · 案号 {d.caseNo}
                </View>
                <View data-testid="dispute-description">{d.description}</View>
                <View className="muted">登记时间：{formatTime(d.createdAt)}</View>
                {d.mediator && <View className="muted">调解员：{d.mediator.name}</View>}
                {d.overdue > 0 && <View className="muted unread">已超时督办 {d.overdue} 次</View>}
                <DisputePhotos disputeId={d.id} ids={d.fileIds} />
              </View>

              <Parties d={d} />

              {d.sessions.length > 0 && (
                <View className="card" data-testid="dispute-sessions">
                  <View className="card-title">调解记录</View>
                  {d.sessions.map((x) => (
                    <View key={x.id} className="timeline-entry" data-testid="dispute-session">
                      <View className="timeline-dot" />
                      <View>
                        第{x.seq}次调解 · {x.place}
                        {x.shared ? '（已向当事人公开）' : ''}
                      </View>
                      <View className="muted">{formatTime(x.heldAt)}</View>
                      {x.attendees && <View className="muted">参加人员：{x.attendees.join('、')}</View>}
                      {x.notes ? <View>{x.notes}</View> : <View className="muted">调解内容未公开</View>}
                      <DisputePhotos disputeId={d.id} ids={x.fileIds} />
                    </View>
                  ))}
                </View>
              )}

              {d.rejectReason && (
                <View className="card" data-testid="dispute-rejected">
                  <View className="card-title">不予受理</View>
                  <View>{d.rejectReason}</View>
                  {d.referredTo && <View className="muted">已告知申请人前往：{d.referredTo}</View>}
                </View>
              )}

              {d.outcome === 'agreement' && d.terms && (
                <View className="card" data-testid="dispute-agreement">
                  <View className="card-title">调解协议</View>
                  {d.terms.map((t, i) => (
                    <View key={i} data-testid="agreement-term">
                      {i + 1}. {t}
                    </View>
                  ))}
                </View>
              )}
              {d.outcome === 'no_agreement' && (
                <View className="card" data-testid="dispute-no-agreement">
                  <View className="card-title">未达成协议</View>
                  <View className="muted">
                    {d.referral === 'court' ? '已引导通过人民法院诉讼解决' : '已移交街道继续调解'}
                  </View>
                </View>
              )}
              {d.followUp && (
                <View className="card" data-testid="dispute-followup">
                  <View className="card-title">回访</View>
                  <View className="muted">
                    {formatTime(d.followUp.visitedAt)} ·{' '}
                    {d.followUp.fulfilled ? '协议已履行' : '协议未完全履行'}
                  </View>
                  {d.followUp.note && <View>{d.followUp.note}</View>}
                </View>
              )}

              <StepOf l={l} onDone={() => void reload()} />

              <View className="card" data-testid="dispute-timeline">
                <View className="card-title">处理进度</View>
                {!steps.length && <View className="muted">暂无进度</View>}
                {steps.map((t, i) => (
                  <View key={i} className="timeline-entry" data-testid="timeline-entry">
                    <View className="timeline-dot" />
                    <View>
                      {DISPUTE_STEP_NAMES[t.kind] ?? t.activityName ?? t.kind}
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
          );
        }}
      </Guard>
    </View>
  );
}
