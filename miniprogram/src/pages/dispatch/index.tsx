// 派单台 (property staff, the dispatcher): the repair queue of my area by 待派单 / 处理中 (待接单, 维修中, 等待配件)
// / 超时 (past the time limit of 人工派单 or 接单) from GET /repair-queue, each row with its category, address and
// how long it waits; 待派单 and 超时 longest waiting first, 处理中 newest first; paged as the list scrolls, pull
// down to refresh. A row opens the dispatch sheet (pages/dispatch/repair).
import { useCallback, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Repair } from '@linli/contracts';
import {
  DISPATCH_TAB_NAMES,
  isOverdue,
  repairs,
  shortAddress,
  STATUS_NAMES,
  waitedFor,
  waitingSince,
  WORKING_STATUSES,
  type DispatchTab,
  type Page,
} from '../../services';
import { Empty, Guard } from '../../components/ui';
import { usePagedLoader } from '../../components/use-loader';
import { dispatchRepair } from '../../routes';

const TABS: DispatchTab[] = ['waiting', 'working', 'overdue'];
type Working = (typeof WORKING_STATUSES)[number];

interface Listed extends Page<Repair> {
  /** what the page was loaded for: a late answer of another tab is not shown */
  key: string;
}

const EMPTY_TEXT: Record<DispatchTab, string> = {
  waiting: '暂无待派单的报修，新的报修无人值班接单时会出现在这里',
  working: '暂无该状态的报修',
  overdue: '暂无超时的报修',
};

function QueueRow({ r }: { r: Repair }) {
  const late = isOverdue(r);
  return (
    <View
      className="row"
      data-testid="dispatch-row"
      data-number={r.number}
      onClick={() => Taro.navigateTo({ url: dispatchRepair(r.id) })}
    >
      <View className="row-main">
        <View className="row-title">
          {r.categoryName} · {r.description}
        </View>
        <View className="muted" data-testid="dispatch-row-address">
          {shortAddress(r.location)}
        </View>
        <View className={late ? 'muted unread' : 'muted'} data-testid="dispatch-row-waiting">
          {r.number} · 已等待{waitedFor(waitingSince(r))}
          {r.technician ? ` · ${r.technician.name}` : ''}
        </View>
      </View>
      <Text className={late ? 'tag tag-warn' : 'tag'}>{late ? '超时' : STATUS_NAMES[r.status]}</Text>
    </View>
  );
}

export default function DispatchDesk() {
  const [tab, setTab] = useState<DispatchTab>('waiting');
  const [status, setStatus] = useState<Working>('dispatched');
  // the loader reads the choice from here, so that a change can reload at once
  const current = useRef({ tab, status });
  const fetchPage = useCallback(async (page: number): Promise<Listed> => {
    const { tab: t, status: st } = current.current;
    const key = `${t}:${st}`;
    return { key, ...(await repairs.queue(t, page, t === 'working' ? st : undefined)) };
  }, []);
  const [state, all, reload] = usePagedLoader(fetchPage);
  const choose = (t: DispatchTab, st: Working = status) => {
    current.current = { tab: t, status: st };
    setTab(t);
    setStatus(st);
    void reload();
  };
  const key = `${tab}:${status}`;

  return (
    <View className="page" data-testid="dispatch-desk">
      <View className="tabs">
        {TABS.map((t) => (
          <View
            key={t}
            id={`dispatch-tab-${t}`}
            className={`tab ${t === tab ? 'tab-on' : ''}`}
            onClick={() => choose(t)}
          >
            {DISPATCH_TAB_NAMES[t]}
          </View>
        ))}
      </View>
      {tab === 'working' && (
        <View className="chips" style={{ marginBottom: Taro.pxTransform(16) }}>
          {WORKING_STATUSES.map((st) => (
            <View
              key={st}
              id={`dispatch-status-${st}`}
              className={`chip ${st === status ? 'chip-on' : ''}`}
              onClick={() => choose('working', st)}
            >
              {STATUS_NAMES[st]}
            </View>
          ))}
        </View>
      )}
      <Guard
        state={(state.data as Listed | undefined)?.key !== key && !state.error ? {} : state}
        onRetry={reload}
      >
        {(p) =>
          all.length === 0 ? (
            <Empty text={EMPTY_TEXT[tab]} />
          ) : (
            <View className="card" data-testid="dispatch-list">
              <View className="muted">共 {p.total} 单</View>
              {all.map((r) => (
                <QueueRow key={r.id} r={r} />
              ))}
              {all.length >= p.total && <View className="muted">没有更多了</View>}
            </View>
          )
        }
      </Guard>
    </View>
  );
}
