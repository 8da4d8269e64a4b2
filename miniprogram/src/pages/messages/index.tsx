// 消息: the in-app inbox, newest first, with paging and "mark all read".
import { useCallback, useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Button, View } from '@tarojs/components';
import type { NotificationItem } from '@linli/contracts';
import { loadSession, notifications } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { LOGIN_PAGE } from '../../routes';
import { openLink } from './open-link';

interface Inbox {
  items: NotificationItem[];
  total: number;
  page: number;
}

export default function Messages() {
  const [more, setMore] = useState<NotificationItem[]>([]);
  const [page, setPage] = useState(1);
  const load = useCallback(async (): Promise<Inbox> => {
    if (!loadSession()) {
      await Taro.reLaunch({ url: LOGIN_PAGE });
      return { items: [], total: 0, page: 1 };
    }
    setMore([]);
    setPage(1);
    const p = await notifications.list(1);
    const unread = p.items.filter((n) => !n.readAt).length;
    if (unread) void Taro.setTabBarBadge({ index: 1, text: String(unread) }).catch(() => undefined);
    else void Taro.removeTabBarBadge({ index: 1 }).catch(() => undefined);
    return { items: p.items, total: p.total, page: 1 };
  }, []);
  const [state, reload] = useLoader(load);

  useReachBottom(() => {
    const shown = (state.data?.items.length ?? 0) + more.length;
    if (!state.data || shown >= state.data.total) return;
    notifications
      .list(page + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPage(page + 1);
      })
      .catch(toastError);
  });

  const readAll = async () => {
    try {
      await notifications.markAllRead();
      await reload();
    } catch (err) {
      toastError(err);
    }
  };

  return (
    <View className="page" data-testid="messages">
      <Guard state={state} onRetry={reload}>
        {(inbox) => {
          const items = [...inbox.items, ...more];
          if (!items.length) return <Empty text="暂无消息。报修、办事有进展时会通知您。" />;
          return (
            <>
              <Button className="btn btn-secondary" id="read-all" onClick={readAll}>
                全部标为已读
              </Button>
              <View className="card">
                {items.map((n) => (
                  <View key={n.id} className="row" data-testid="message" onClick={() => openLink(n)}>
                    <View className="row-main">
                      <View className={`row-title ${n.readAt ? '' : 'unread'}`}>
                        {n.readAt ? '' : '● '}
                        {n.title}
                      </View>
                      <View className="muted">{n.body}</View>
                      <View className="muted">{formatTime(n.createdAt)}</View>
                    </View>
                  </View>
                ))}
                {items.length >= inbox.total && <View className="muted">没有更多了</View>}
              </View>
            </>
          );
        }}
      </Guard>
    </View>
  );
}
