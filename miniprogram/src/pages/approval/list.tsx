// 我的办事: my applications, newest first, with their state in Chinese (amber while waiting for me to
// supplement or past the time limit); paged, pull to refresh, and 办事指南 to apply for something new.
import { useCallback, useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { ApprovalSummary } from '@linli/contracts';
import { APPROVAL_STATE_NAMES, approvalsApi, type Page } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { APPROVAL_ITEMS, approvalDetail } from '../../routes';
import { stateTagClass } from './form';

export default function ApprovalList() {
  const [more, setMore] = useState<ApprovalSummary[]>([]);
  const [page, setPage] = useState(1);
  const load = useCallback(async (): Promise<Page<ApprovalSummary>> => {
    setMore([]);
    setPage(1);
    return approvalsApi.mine();
  }, []);
  const [state, reload] = useLoader(load);

  useReachBottom(() => {
    if (!state.data || state.data.items.length + more.length >= state.data.total) return;
    approvalsApi
      .mine(page + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPage(page + 1);
      })
      .catch(toastError);
  });

  const guide = () => Taro.navigateTo({ url: APPROVAL_ITEMS });

  return (
    <View className="page" data-testid="approval-list">
      <Guard state={state} onRetry={reload}>
        {(p) => {
          const items = [...p.items, ...more];
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
