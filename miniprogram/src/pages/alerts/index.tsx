// 告警处置: the alerts of my area by state (待处理 / 处理中 / 已办结), newest first; each card shows the type, its
// severity, the place, the first and last time (China time) and how many times it fired. Reloaded on show and
// on pull-down; while the page is shown the live socket (services/live.ts) puts a new alert at the top of its
// tab at once (highlighted for a few seconds) and updates or moves one that changed. 实时 / 连接中… says whether
// pushes arrive.
import { useCallback, useEffect, useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow, useRouter, useUnload } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Alert, AlertPush, AlertStatus } from '@linli/contracts';
import {
  ALERT_TAB_NAMES,
  alertsApi,
  live,
  LIVE_STATE_NAMES,
  type AlertTab,
  type LiveState,
} from '../../services';
import { Empty, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { alertDetail } from '../../routes';
import { AlertCard } from './card';
import './alerts.css';

const TABS: AlertTab[] = ['pending', 'handling', 'done'];
/** which tab an alert of this state belongs to (services/alerts.ts lists them the same way) */
const TAB_OF: Record<AlertStatus, AlertTab> = {
  open: 'pending',
  acknowledged: 'handling',
  verifying: 'handling',
  resolved: 'done',
  closed: 'done',
};
/** how long a card that just arrived stays highlighted */
const FRESH_MS = 6_000;

interface Listed {
  tab: AlertTab;
  items: Alert[];
  pending: number;
}

/** what the socket changed: alerts by id as the server now has them, each with the number of its push */
interface Pushed {
  alerts: Record<string, { a: Alert; n: number }>;
  pending: number | null;
}

const NOTHING_PUSHED: Pushed = { alerts: {}, pending: null };

export default function Alerts() {
  const { params } = useRouter();
  const [tab, setTab] = useState<AlertTab>(
    TABS.includes(params.tab as AlertTab) ? (params.tab as AlertTab) : 'pending',
  );
  const [pushed, setPushed] = useState<Pushed>(NOTHING_PUSHED);
  const [fresh, setFresh] = useState<string[]>([]);
  const [liveState, setLiveState] = useState<LiveState>(live.state);
  // the loader reads the tab from here, so that a tab change can reload at once
  const current = useRef(tab);
  /** pushes applied so far, and the ids this page has shown (a push of one of them is no news) */
  const pushes = useRef(0);
  const loaded = useRef(new Set<string>());
  const load = useCallback(async (): Promise<Listed> => {
    const want = current.current;
    // pushes applied while this load was under way are newer than what it reads: they stay
    const before = pushes.current;
    const [items, pending] = await Promise.all([alertsApi.list(want), alertsApi.pendingCount()]);
    for (const a of items) loaded.current.add(a.id);
    setPushed((p) => {
      const newer = Object.entries(p.alerts).filter(([, v]) => v.n > before);
      return newer.length ? { alerts: Object.fromEntries(newer), pending: p.pending } : NOTHING_PUSHED;
    });
    return { tab: want, items, pending };
  }, []);
  const [state, reload] = useLoader(load);
  const reloadRef = useRef(reload);
  reloadRef.current = reload;

  // pushes are applied one after the other, in the order the server sent them
  const chain = useRef(Promise.resolve());
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const onAlert = useCallback((m: AlertPush) => {
    const id = m.alertId;
    if (!id) return; // a device's status event, not an alert
    chain.current = chain.current.then(async () => {
      try {
        const [a, pending] = await Promise.all([alertsApi.get(id), alertsApi.pendingCount()]);
        const n = ++pushes.current;
        setPushed((p) => ({ alerts: { ...p.alerts, [id]: { a, n } }, pending }));
        // highlighted: an alert this list has not shown before
        if (!loaded.current.has(id)) {
          loaded.current.add(id);
          setFresh((f) => [...f, id]);
          timers.current.push(setTimeout(() => setFresh((f) => f.filter((x) => x !== id)), FRESH_MS));
        }
      } catch {
        // not mine to see after all, or the network dropped: the next load shows the truth
      }
    });
  }, []);

  const release = useRef<(() => void) | null>(null);
  const stopLive = () => {
    release.current?.();
    release.current = null;
  };
  useDidShow(() => {
    if (!release.current) release.current = live.acquire();
  });
  useDidHide(stopLive);
  useUnload(stopLive);
  // pushes sent while the socket was down are not replayed: after a reconnect the list is loaded again
  const wasOpen = useRef(false);
  useEffect(() => {
    const offAlert = live.on('alert', onAlert);
    const offState = live.onState((next) => {
      setLiveState(next);
      if (next !== 'open') return;
      if (wasOpen.current) void reloadRef.current();
      wasOpen.current = true;
    });
    return () => {
      offAlert();
      offState();
      for (const t of timers.current) clearTimeout(t);
    };
  }, [onAlert]);

  const choose = (t: AlertTab) => {
    current.current = t;
    setTab(t);
    void reload();
  };

  /** the loaded list with the pushed changes: updated in place, moved out, or new ones on top */
  const merge = (d: Listed): Alert[] => {
    const known = new Set(d.items.map((a) => a.id));
    const arrived = Object.values(pushed.alerts)
      .map((v) => v.a)
      .filter((a) => !known.has(a.id) && TAB_OF[a.status] === d.tab)
      .sort((a, b) => Date.parse(b.lastAt) - Date.parse(a.lastAt));
    const kept = d.items.map((a) => pushed.alerts[a.id]?.a ?? a).filter((a) => TAB_OF[a.status] === d.tab);
    return [...arrived, ...kept];
  };
  const pending = pushed.pending ?? state.data?.pending ?? 0;

  return (
    <View className="page" data-testid="alerts">
      <View className="tabs">
        {TABS.map((t) => (
          <View
            key={t}
            id={`alert-tab-${t}`}
            className={`tab ${t === tab ? 'tab-on' : ''}`}
            onClick={() => choose(t)}
          >
            {ALERT_TAB_NAMES[t]}
            {t === 'pending' && !!pending && (
              <Text className="badge" data-testid="pending-badge">
                {pending}
              </Text>
            )}
          </View>
        ))}
      </View>
      <View style={{ textAlign: 'right', marginBottom: Taro.pxTransform(16) }}>
        <Text
          className={liveState === 'open' ? 'tag' : 'tag tag-warn'}
          data-testid="live-state"
          data-state={liveState}
        >
          {liveState === 'open' ? '● ' : ''}
          {LIVE_STATE_NAMES[liveState]}
        </Text>
      </View>
      <Guard state={state.data && state.data.tab !== tab ? {} : state} onRetry={reload}>
        {(d) => {
          const items = merge(d);
          return items.length === 0 ? (
            <Empty text={`暂无${ALERT_TAB_NAMES[d.tab]}的告警，新告警会自动出现在这里`} />
          ) : (
            <View data-testid="alert-list">
              {items.map((a) => (
                <AlertCard
                  key={a.id}
                  a={a}
                  fresh={fresh.includes(a.id)}
                  onClick={() => void Taro.navigateTo({ url: alertDetail(a.id) })}
                />
              ))}
              {d.items.length >= 50 && <View className="muted">仅显示最近的告警，更早的请在电脑端查看</View>}
            </View>
          );
        }}
      </Guard>
    </View>
  );
}
