// 派单 / 改派 (property staff): one repair of the queue — category, address, what is broken, photos, how long it
// waits — and the technicians on the community's duty roster with their open jobs (workload), to pick one and
// dispatch it to them (待派单) or reassign it (改派, before it is accepted or while it is being fixed), after a
// confirm dialog. The roster is read again afterwards, so the workload shows the change.
import { useCallback, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import type { DutyEntry, Repair } from '@linli/contracts';
import { isOverdue, repairs, STATUS_NAMES, waitedFor, waitingSince } from '../../services';
import { Empty, FilePhotos, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';

interface Sheet {
  repair: Repair;
  technicians: DutyEntry[];
}

/** the statuses in which a repair can be given to a technician: waiting for one, or not yet done */
const DISPATCHABLE = ['dispatching', 'dispatched', 'accepted'];

export default function DispatchRepair() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const [chosen, setChosen] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const load = useCallback(async (): Promise<Sheet> => {
    const repair = await repairs.get(id);
    const roster = await repairs.duty(repair.communityId);
    // one line per technician, on duty first, then the least busy
    const seen = new Set<string>();
    const technicians = roster.items
      .filter((e) => !seen.has(e.technician.id) && !!seen.add(e.technician.id))
      .sort((a, b) => Number(b.onDuty) - Number(a.onDuty) || a.openJobs - b.openJobs);
    return { repair, technicians };
  }, [id]);
  const [state, reload] = useLoader(load);

  const submit = async (r: Repair, technicians: DutyEntry[]) => {
    const tech = technicians.find((t) => t.technician.id === chosen);
    if (!tech) return setError('请先选择维修师傅');
    if (r.technician?.id === tech.technician.id) return setError('该报修已派给这位师傅，请选择其他师傅');
    setError('');
    const again = r.status !== 'dispatching';
    const { confirm } = await Taro.showModal({
      title: again ? '确认改派' : '确认派单',
      content: again
        ? `将报修单 ${r.number} 从${r.technician?.name ?? '原师傅'}改派给${tech.technician.name}？`
        : `将报修单 ${r.number} 派给${tech.technician.name}？`,
      confirmText: '确定',
      cancelText: '取消',
    });
    if (!confirm) return;
    setBusy(true);
    try {
      await repairs.dispatch(r.id, tech.technician.id, comment.trim() || undefined);
      void Taro.showToast({ title: again ? '已改派' : '已派单', icon: 'success' });
      setChosen('');
      setComment('');
      await reload();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page" data-testid="dispatch-sheet">
      <Guard state={state} onRetry={reload}>
        {({ repair: r, technicians }) => {
          const open = DISPATCHABLE.includes(r.status);
          return (
            <>
              <View className="card">
                <View className="card-title">
                  <Text data-testid="dispatch-category">{r.categoryName}</Text>
                  <Text className={isOverdue(r) ? 'tag tag-warn' : 'tag'} data-testid="dispatch-status">
                    {STATUS_NAMES[r.status]}
                    {isOverdue(r) ? '（超时）' : ''}
                  </Text>
                </View>
                <View data-testid="dispatch-address">{r.location}</View>
                <View>{r.description}</View>
                <View className="muted">
                  {r.number} · 报修人 {r.reporter.name} · {formatTime(r.createdAt)}
                </View>
                {open && <View className="muted">已等待{waitedFor(waitingSince(r))}</View>}
                {r.technician && (
                  <View className="muted" data-testid="dispatch-current">
                    当前维修师傅：{r.technician.name}
                  </View>
                )}
                <FilePhotos ids={r.photoFileIds} />
              </View>
              {!open ? (
                <View className="card">
                  <View className="muted">该报修{STATUS_NAMES[r.status]}，现在不能派单或改派。</View>
                </View>
              ) : (
                <View className="card" data-testid="technician-list">
                  <View className="card-title">{r.technician ? '改派给' : '派给'}维修师傅</View>
                  {technicians.length === 0 && (
                    <Empty text="本社区的值班表上还没有维修师傅，请先在管理后台的值班表里添加。" />
                  )}
                  {technicians.map((t) => {
                    const current = r.technician?.id === t.technician.id;
                    return (
                      <View
                        key={t.technician.id}
                        className="row"
                        id={`technician-${t.technician.id}`}
                        data-testid="technician-row"
                        data-name={t.technician.name}
                        onClick={() => {
                          setChosen(t.technician.id);
                          setError('');
                        }}
                      >
                        <View className="row-main">
                          <View className="row-title">
                            {chosen === t.technician.id ? '◉ ' : '○ '}
                            {t.technician.name}
                            {current ? '（当前）' : ''}
                          </View>
                          <View className="muted" data-testid="technician-workload">
                            在办工单 {t.openJobs} 单
                          </View>
                        </View>
                        <Text className={t.onDuty ? 'tag' : 'tag tag-done'}>
                          {t.onDuty ? '值班中' : '休息'}
                        </Text>
                      </View>
                    );
                  })}
                  {error && (
                    <View className="field-error" data-testid="dispatch-error">
                      {error}
                    </View>
                  )}
                  <View className="field">
                    <View className="label">派单说明</View>
                    <Textarea
                      className="textarea"
                      id="dispatch-comment"
                      value={comment}
                      maxlength={500}
                      placeholder="选填，如上门时间、注意事项"
                      onInput={(e) => setComment(e.detail.value)}
                    />
                  </View>
                  <Button
                    className="btn"
                    id="submit-dispatch"
                    disabled={busy || !technicians.length}
                    onClick={() => void submit(r, technicians)}
                  >
                    {busy ? '正在提交…' : r.technician ? '确认改派' : '确认派单'}
                  </Button>
                </View>
              )}
            </>
          );
        }}
      </Guard>
    </View>
  );
}
