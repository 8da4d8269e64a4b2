// 我的报修 (residents) / 我的工单 (technicians): newest first, paged.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { currentUser, hasRole, repairs, STATUS_NAMES } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { usePagedLoader } from '../../components/use-loader';
import { REPAIR_REPORT, repairDetail } from '../../routes';

const viewOf = () => (hasRole(currentUser(), 'technician') ? 'assigned' : 'mine');

export default function RepairList() {
  const fetchPage = useCallback((page: number) => repairs.list(viewOf(), page), []);
  const [state, all, reload] = usePagedLoader(fetchPage);

  return (
    <View className="page" data-testid="repair-list">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = all;
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
