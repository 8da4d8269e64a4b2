// 办事指南: the items residents can apply for where they live (the catalogue), paged, pull to refresh; an item
// opens its guide (materials, time limit, form) and 在线申请.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { approvalsApi } from '../../services';
import { Empty, Guard } from '../../components/ui';
import { usePagedLoader } from '../../components/use-loader';
import { approvalItem } from '../../routes';
import './approval.css';

export default function ApprovalItems() {
  const fetchPage = useCallback((page: number) => approvalsApi.items(page), []);
  const [state, all, reload] = usePagedLoader(fetchPage);

  return (
    <View className="page" data-testid="approval-items">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = all;
          if (!items.length) return <Empty text="您所在社区暂未发布可在线办理的事项，请咨询社区服务窗口" />;
          return (
            <View className="card">
              {items.map((it) => (
                <View
                  key={it.id}
                  className="row"
                  data-testid="approval-item"
                  onClick={() => Taro.navigateTo({ url: approvalItem(it.id) })}
                >
                  <View className="row-main">
                    <View className="row-title">{it.name}</View>
                    <View className="muted">
                      {it.orgUnitName} · 需 {it.materials.filter((m) => m.required).length} 项材料
                    </View>
                  </View>
                  <Text className="tag">{it.timeLimitDays} 个工作日</Text>
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
