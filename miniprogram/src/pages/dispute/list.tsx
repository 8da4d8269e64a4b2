// 我的调解: the disputes I applied for or am a party to, newest first, with their state in Chinese; paged, pull
// to refresh, and 申请调解 at the top.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { DISPUTE_CATEGORY_NAMES, DISPUTE_STATUS_NAMES, disputesApi } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { usePagedLoader } from '../../components/use-loader';
import { DISPUTE_APPLY, disputeDetail } from '../../routes';
import { stateTagClass } from './state-tag';

export default function DisputeList() {
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
