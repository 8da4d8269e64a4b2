// 居民详情 (grid workers): the resident as the server masks them, 查看完整信息 with a reason of at least 4
// characters (the server writes it to the audit log), the household of each room, the visit history (走访记录),
// and 登记走访.
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import {
  currentUser,
  GENDER_NAMES,
  gridApi,
  RELATION_NAMES,
  RESIDENCY_NAMES,
  RESIDENT_TAG_NAMES,
  shortAddress,
  VISIT_METHOD_NAMES,
  type CheckIn,
  type Resident,
} from '../../services';
import { formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { gridResident, gridVisit } from '../../routes';
import './grid.css';

interface Household {
  roomId: string;
  address: string;
  members: Resident[];
}
interface Loaded {
  r: Resident;
  households: Household[];
  visits: CheckIn[];
}

function Kv({ k, v, id }: { k: string; v: string; id?: string }) {
  return (
    <View className="grid-kv">
      <Text className="grid-kv-key">{k}</Text>
      <Text className="grid-kv-value" id={id} data-testid={id}>
        {v}
      </Text>
    </View>
  );
}

function Reveal({
  r,
  onRevealed,
}: {
  r: Resident;
  onRevealed: (v: { phone?: string | null; idNumber?: string | null }) => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  if (!r.masked || (!r.phone && !r.idNumber)) return null;
  if (!open)
    return (
      <Button className="btn btn-secondary" id="reveal-open" onClick={() => setOpen(true)}>
        查看完整信息
      </Button>
    );
  const send = async () => {
    if (reason.trim().length < 4) {
      setError('请填写查看原因，至少 4 个字');
      return;
    }
    setError('');
    setBusy(true);
    try {
      const fields: ('phone' | 'idNumber')[] = [];
      if (r.phone) fields.push('phone');
      if (r.idNumber) fields.push('idNumber');
      onRevealed(await gridApi.reveal(r.id, fields, reason.trim()));
      setOpen(false);
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="field" data-testid="reveal-form">
      <View className="label">查看原因（将记入审计日志）</View>
      <Textarea
        className="textarea"
        id="reveal-reason"
        style={{ height: '140px' }}
        value={reason}
        maxlength={200}
        placeholder="如：上门走访需电话联系本人"
        onInput={(e) => setReason(e.detail.value)}
      />
      {error && (
        <View className="field-error" data-testid="reveal-error">
          {error}
        </View>
      )}
      <Button className="btn" id="reveal-send" disabled={busy} loading={busy} onClick={send}>
        确认查看
      </Button>
      <Button className="btn btn-secondary" id="reveal-cancel" onClick={() => setOpen(false)}>
        取消
      </Button>
    </View>
  );
}

export default function ResidentDetail() {
  const { id = '' } = useRouter().params;
  const me = currentUser();
  const [revealed, setRevealed] = useState<{ id: string; phone?: string | null; idNumber?: string | null }>();
  const load = useCallback(async (): Promise<Loaded> => {
    const [r, visits] = await Promise.all([gridApi.resident(id), gridApi.visits(id)]);
    const rooms = r.rooms.filter((x) => x.status === 'verified' || x.status === 'pending');
    const households = await Promise.all(
      rooms.map(async (x) => ({
        roomId: x.roomId,
        address: x.standardAddress,
        members: await gridApi.household(x.roomId),
      })),
    );
    return { r, households, visits };
  }, [id]);
  const [state, reload] = useLoader(load);

  return (
    <View className="page" data-testid="resident-detail">
      <Guard state={state} onRetry={reload}>
        {({ r, households, visits }) => {
          const shown = revealed?.id === r.id ? revealed : undefined;
          return (
            <>
              <View className="card">
                <View className="card-title" data-testid="resident-title">
                  {r.name}
                </View>
                {r.tags.length > 0 && (
                  <View className="grid-tags">
                    {r.tags.map((t) => (
                      <Text key={t} className="tag tag-warn">
                        {RESIDENT_TAG_NAMES[t]}
                      </Text>
                    ))}
                  </View>
                )}
                <Kv k="性别" v={r.gender ? GENDER_NAMES[r.gender]! : '未登记'} />
                <Kv k="出生日期" v={r.birthDate ?? '未登记'} />
                <Kv k="户籍类型" v={RESIDENCY_NAMES[r.residency] ?? r.residency} />
                <Kv
                  k="联系电话"
                  id="resident-phone"
                  v={(shown && shown.phone !== undefined ? shown.phone : r.phone) ?? '未登记'}
                />
                <Kv
                  k="身份证号"
                  id="resident-id-number"
                  v={(shown && shown.idNumber !== undefined ? shown.idNumber : r.idNumber) ?? '未登记'}
                />
                {r.notes ? <Kv k="备注" v={r.notes} /> : null}
                {shown ? (
                  <View className="muted" data-testid="revealed-note">
                    已显示完整信息，本次查看已记入审计日志，请勿外传
                  </View>
                ) : (
                  <Reveal r={r} onRevealed={(v) => setRevealed({ id: r.id, ...v })} />
                )}
              </View>

              <View className="card" data-testid="household-card">
                <View className="card-title">家庭成员</View>
                {!households.length && <View className="muted">未登记房屋，可请社区在管理后台绑定</View>}
                {households.map((h) => (
                  <View key={h.roomId}>
                    <View className="label">{shortAddress(h.address)}</View>
                    {h.members.map((m) => {
                      const rel = m.rooms.find((x) => x.roomId === h.roomId)?.relation ?? '';
                      return (
                        <View
                          key={m.id}
                          className="row"
                          data-testid="household-member"
                          onClick={() => m.id !== r.id && void Taro.navigateTo({ url: gridResident(m.id) })}
                        >
                          <View className="row-main">
                            <View className="row-title">
                              {m.name}
                              {m.id === r.id ? '（本人）' : ''}
                            </View>
                            <View className="muted">
                              {RELATION_NAMES[rel] ?? rel}
                              {m.tags.length
                                ? ` · ${m.tags.map((t) => RESIDENT_TAG_NAMES[t]).join('、')}`
                                : ''}
                            </View>
                          </View>
                        </View>
                      );
                    })}
                  </View>
                ))}
              </View>

              <View className="card" data-testid="visit-card">
                <View className="card-title">走访记录</View>
                {!visits.length && (
                  <View className="muted" data-testid="no-visits">
                    还没有走访记录，点下方“登记走访”记录一次
                  </View>
                )}
                <View style={{ marginBottom: '24px' }}>
                  {visits.map((v) => (
                    <View key={v.id} className="grid-visit" data-testid="visit-row">
                      <View>
                        <Text className="tag">{VISIT_METHOD_NAMES[v.method]}</Text>{' '}
                        {v.concern && <Text className="tag tag-warn">需跟进</Text>}{' '}
                        <Text className="muted">
                          {formatTime(v.at)}
                          {v.userId === me?.id ? ' · 我' : ''}
                        </Text>
                      </View>
                      <View data-testid="visit-note">{v.note}</View>
                    </View>
                  ))}
                </View>
                <Button
                  className="btn"
                  id="visit-new"
                  onClick={() => void Taro.navigateTo({ url: gridVisit(r.id, r.name) })}
                >
                  登记走访
                </Button>
              </View>
            </>
          );
        }}
      </Guard>
    </View>
  );
}
