// 告警处置: the alerts of my area by state (待处理 / 处理中 / 已办结), newest first; each card shows the type, its
// severity, the place, the first and last time (China time) and how many times it fired. Reloaded on show and
// on pull-down (the mini-program has no socket client yet).
import { useCallback, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Alert } from '@linli/contracts';
import { ALERT_TAB_NAMES, alertsApi, type AlertTab } from '../../services';
import { Empty, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { alertDetail } from '../../routes';
import { AlertCard } from './card';
import './alerts.css';

const TABS: AlertTab[] = ['pending', 'handling', 'done'];

interface Listed {
  tab: AlertTab;
  items: Alert[];
  pending: number;
}

export default function Alerts() {
  const { params } = useRouter();
  const [tab, setTab] = useState<AlertTab>(
    TABS.includes(params.tab as AlertTab) ? (params.tab as AlertTab) : 'pending',
  );
  // the loader reads the tab from here, so that a tab change can reload at once
  const current = useRef(tab);
  const load = useCallback(async (): Promise<Listed> => {
    const want = current.current;
    const [items, pending] = await Promise.all([alertsApi.list(want), alertsApi.pendingCount()]);
    return { tab: want, items, pending };
  }, []);
  const [state, reload] = useLoader(load);

  const choose = (t: AlertTab) => {
    current.current = t;
    setTab(t);
    void reload();
  };

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
            {t === 'pending' && !!state.data?.pending && (
              <Text className="badge" data-testid="pending-badge">
                {state.data.pending}
              </Text>
            )}
          </View>
        ))}
      </View>
      <Guard state={state.data && state.data.tab !== tab ? {} : state} onRetry={reload}>
        {(d) =>
          d.items.length === 0 ? (
            <Empty text={`暂无${ALERT_TAB_NAMES[d.tab]}的告警`} />
          ) : (
            <View data-testid="alert-list">
              {d.items.map((a) => (
                <AlertCard
                  key={a.id}
                  a={a}
                  onClick={() => void Taro.navigateTo({ url: alertDetail(a.id) })}
                />
              ))}
              {d.items.length >= 50 && <View className="muted">仅显示最近的告警，更早的请在电脑端查看</View>}
            </View>
          )
        }
      </Guard>
    </View>
  );
}
