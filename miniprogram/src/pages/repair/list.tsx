// 我的报修 (residents) / 我的工单 (technicians): newest first, paged.
import { useCallback, useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { Repair } from '@linli/contracts';
import { currentUser, hasRole, repairs, STATUS_NAMES, type Page } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { REPAIR_REPORT, repairDetail } from '../../routes';

const viewOf = () => (hasRole(currentUser(), 'technician') ? 'assigned' : 'mine');

export default function RepairList() {
  const [more, setMore] = useState<Repair[]>([]);
  const [page, setPage] = useState(1);
  const load = useCallback(async (): Promise<Page<Repair>> => {
    setMore([]);
    setPage(1);
    return repairs.list(viewOf());
  }, []);
  const [state, reload] = useLoader(load);

  useReachBottom(() => {
    if (!state.data || state.data.items.length + more.length >= state.data.total) return;
    repairs
      .list(viewOf(), page + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPage(page + 1);
      })
      .catch(toastError);
  });

  return (
    <View className="page" data-testid="repair-list">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = [...p.items, ...more];
          if (!items.length)
            return (
              <Empty
                text="还没有报修记录"
                action={
                  viewOf() === 'mine' ? (
                    <Button className="btn" onClick={() => Taro.navigateTo({ url: REPAIR_REPORT })}>
                      我要报修
                    </Button>
                  ) : undefined
                }
              />
            );
          return (
            <View className="card">
              {items.map((r) => (
                <View
                  key={r.id}
                  className="row"
                  data-testid="repair-row"
                  onClick={() => Taro.navigateTo({ url: repairDetail(r.id) })}
                >
                  <View className="row-main">
                    <View className="row-title">
                      {r.categoryName} · {r.description}
                    </View>
                    <View className="muted">
                      {r.number} · {formatTime(r.createdAt)}
                    </View>
                  </View>
                  <Text className={r.status === 'closed' ? 'tag tag-done' : 'tag'}>
                    {STATUS_NAMES[r.status]}
                  </Text>
                </View>
              ))}
              {items.length >= p.total && <View className="muted">没有更多了</View>}
            </View>
          );
        }}
      </Guard>
    </View>
  );
}
