// 我的调解: the disputes I applied for or am a party to, newest first, with their state in Chinese; paged, pull
// to refresh, and 申请调解 at the top.
import { useCallback, useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { Dispute } from '@linli/contracts';
import { DISPUTE_CATEGORY_NAMES, DISPUTE_STATUS_NAMES, disputesApi, type Page } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { DISPUTE_APPLY, disputeDetail } from '../../routes';
import { stateTagClass } from './state-tag';

export default function DisputeList() {
  const [more, setMore] = useState<Dispute[]>([]);
  const [page, setPage] = useState(1);
  const load = useCallback(async (): Promise<Page<Dispute>> => {
    setMore([]);
    setPage(1);
    return disputesApi.mine();
  }, []);
  const [state, reload] = useLoader(load);

  useReachBottom(() => {
    if (!state.data || state.data.items.length + more.length >= state.data.total) return;
    disputesApi
      .mine(page + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPage(page + 1);
      })
      .catch(toastError);
  });

  const apply = () => Taro.navigateTo({ url: DISPUTE_APPLY });

  return (
    <View className="page" data-testid="dispute-list">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = [...p.items, ...more];
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
                  <View
                    key={d.id}
                    className="row"
                    data-testid="dispute-row"
                    onClick={() => Taro.navigateTo({ url: disputeDetail(d.id) })}
                  >
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
