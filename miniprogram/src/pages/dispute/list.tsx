// 我的调解: the disputes I applied for or am a party to, newest first, with their state in Chinese; paged, pull
// to refresh, and 申请调解 at the top. Staff (grid workers, admins) see 调解案件 instead: the cases they decide
// on, mediate or oversee by 待受理 / 调解中 / 回访 / 已办结, each opening 调解办理.
import { useCallback, useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { Dispute } from '@linli/contracts';
import {
  currentUser,
  DISPUTE_CATEGORY_NAMES,
  DISPUTE_STATUS_NAMES,
  disputesApi,
  isStaff,
} from '../../services';
import { DISPUTE_STAFF_TABS, disputeStaffApi, type DisputeStaffTab } from '../../services/dispute-staff';
import { Empty, formatTime, Guard } from '../../components/ui';
import { usePagedLoader } from '../../components/use-loader';
import { DISPUTE_APPLY, disputeDetail, disputeHandle } from '../../routes';
import { stateTagClass } from './state-tag';

/** a case I work (committee, mediator, admin) opens 调解办理; a case I am a party to opens 调解详情 */
const open = (d: Dispute) =>
  Taro.navigateTo({
    url: d.viewAs === 'party' || d.viewAs === 'registrant' ? disputeDetail(d.id) : disputeHandle(d.id),
  });

function Row({ d }: { d: Dispute }) {
  return (
    <View className="row" data-testid="dispute-row" onClick={() => open(d)}>
      <View className="row-main">
        <View className="row-title">{d.title}</View>
        <View className="muted">
          {d.category ? DISPUTE_CATEGORY_NAMES[d.category] : '待分类'} · {d.caseNo} ·{' '}
          {formatTime(d.createdAt)}
        </View>
      </View>
      <Text className={stateTagClass(d)} data-testid="dispute-state">
        {DISPUTE_STATUS_NAMES[d.status]}
      </Text>
    </View>
  );
}

function StaffList() {
  const [tab, setTab] = useState<DisputeStaffTab>('accept');
  const fetchPage = useCallback((page: number) => disputeStaffApi.list(tab, page), [tab]);
  const [state, all, reload] = usePagedLoader(fetchPage);
  // useLoader loads on show; a tab change (a new fetchPage, so a new reload) loads here
  const shown = useRef(false);
  useEffect(() => {
    if (shown.current) void reload();
    shown.current = true;
  }, [reload]);
  const choose = (t: DisputeStaffTab) => setTab(t);
  return (
    <View className="page" data-testid="dispute-list">
      <View className="tabs" data-testid="dispute-tabs">
        {(Object.keys(DISPUTE_STAFF_TABS) as DisputeStaffTab[]).map((t) => (
          <View
            key={t}
            id={`dispute-tab-${t}`}
            className={`tab ${t === tab ? 'tab-on' : ''}`}
            onClick={() => choose(t)}
          >
            {DISPUTE_STAFF_TABS[t].name}
          </View>
        ))}
      </View>
      <Guard state={state} onRetry={reload}>
        {(p) =>
          !all.length ? (
            <Empty text={`暂无${DISPUTE_STAFF_TABS[tab].name}的调解案件`} />
          ) : (
            <View className="card">
              {all.map((d) => (
                <Row key={d.id} d={d} />
              ))}
              {all.length >= p.total && <View className="muted">没有更多了</View>}
            </View>
          )
        }
      </Guard>
    </View>
  );
}

function ResidentList() {
  const fetchPage = useCallback((page: number) => disputesApi.mine(page), []);
  const [state, all, reload] = usePagedLoader(fetchPage);

  const apply = () => Taro.navigateTo({ url: DISPUTE_APPLY });

  return (
    <View className="page" data-testid="dispute-list">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = all;
          if (!items.length)
            return (
              <Empty
                text="还没有调解申请"
                action={
                  <Button className="btn" id="dispute-apply-empty" onClick={apply}>
                    申请调解
                  </Button>
                }
              />
            );
          return (
            <>
              <Button className="btn" id="go-dispute-apply" onClick={apply}>
                申请调解
              </Button>
              <View className="card">
                {items.map((d) => (
                  <Row key={d.id} d={d} />
                ))}
                {items.length >= p.total && <View className="muted">没有更多了</View>}
              </View>
            </>
          );
        }}
      </Guard>
    </View>
  );
}

export default function DisputeList() {
  return isStaff(currentUser()) ? <StaffList /> : <ResidentList />;
}
