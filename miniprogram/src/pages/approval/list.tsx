// 我的办事: my applications, newest first, with their state in Chinese (amber while waiting for me to
// supplement or past the time limit); paged, pull to refresh, and 办事指南 to apply for something new.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { APPROVAL_STATE_NAMES, approvalsApi } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { usePagedLoader } from '../../components/use-loader';
import { APPROVAL_ITEMS, approvalDetail } from '../../routes';
import { stateTagClass } from './form';

export default function ApprovalList() {
  const fetchPage = useCallback((page: number) => approvalsApi.mine(page), []);
  const [state, all, reload] = usePagedLoader(fetchPage);

  const guide = () => Taro.navigateTo({ url: APPROVAL_ITEMS });

  return (
    <View className="page" data-testid="approval-list">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = all;
          if (!items.length)
            return (
              <Empty
                text="还没有办事申请，可在办事指南中查看可办事项并在线申请"
                action={
                  <Button className="btn" id="approval-guide-empty" onClick={guide}>
                    办事指南
                  </Button>
                }
              />
            );
          return (
            <>
              <Button className="btn" id="go-approval-items" onClick={guide}>
                办事指南 · 我要申请
              </Button>
              <View className="card">
                {items.map((a) => (
                  <View
                    key={a.id}
                    className="row"
                    data-testid="approval-row"
                    onClick={() => Taro.navigateTo({ url: approvalDetail(a.id) })}
                  >
                    <View className="row-main">
                      <View className="row-title">{a.itemName}</View>
                      <View className="muted">
                        {a.number} · {formatTime(a.submittedAt)}
                      </View>
                      {a.state === 'supplement' && <View className="muted unread">请补正材料</View>}
                    </View>
                    <Text className={stateTagClass(a)} data-testid="approval-state">
                      {APPROVAL_STATE_NAMES[a.state]}
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
