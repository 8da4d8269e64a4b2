// 我的上报: the events I reported (随手拍 or 问题上报), newest first, with their state; paged, pull to refresh.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { currentUser, EVENT_STATE_NAMES, eventsApi, isPatrolWorker } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { usePagedLoader } from '../../components/use-loader';
import { EVENT_REPORT, eventDetail } from '../../routes';
import { stateTagClass } from './state-tag';

export default function EventList() {
  const fetchPage = useCallback((page: number) => eventsApi.mine(page), []);
  const [state, all, reload] = usePagedLoader(fetchPage);

  return (
    <View className="page" data-testid="event-list">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = all;
          if (!items.length)
            return (
              <Empty
                text="还没有上报记录"
                action={
                  <Button className="btn" onClick={() => Taro.navigateTo({ url: EVENT_REPORT })}>
                    {isPatrolWorker(currentUser()) ? '随手拍' : '问题上报'}
                  </Button>
                }
              />
            );
          return (
            <View className="card">
              {items.map((e) => (
                <View
                  key={e.id}
                  className="row"
                  data-testid="event-row"
                  onClick={() => Taro.navigateTo({ url: eventDetail(e.id) })}
                >
                  <View className="row-main">
                    <View className="row-title">
                      {e.category?.name ?? '待分类'} · {e.description}
                    </View>
                    <View className="muted">
                      {formatTime(e.reportedAt)}
                      {e.address ? ` · ${e.address}` : ''}
                    </View>
                  </View>
                  <Text className={stateTagClass(e)} data-testid="event-state">
                    {EVENT_STATE_NAMES[e.state]}
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
