// The home page's 社区公告 card: the latest published notices and party-building news of my communities
// (pinned first), unread ones marked, with 更多 to the full list. Loads on mount, on show and on pull-down.
import { useCallback, useEffect, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Notice } from '@linli/contracts';
import { messageOf, NOTICE_KIND_NAMES, noticesApi } from '../services';
import { NOTICES_PAGE, noticeDetail } from '../routes';
import { formatTime } from './ui';

export function NoticesCard() {
  const [items, setItems] = useState<Notice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    noticesApi
      .list(undefined, 1, 3)
      .then((p) => {
        setItems(p.items);
        setError(null);
      })
      .catch((err) => setError(messageOf(err)));
  }, []);
  // the card mounts once the home page has loaded, after its first show: load now, and again on each show
  useEffect(load, [load]);
  useDidShow(load);
  usePullDownRefresh(load);
  return (
    <View className="card" data-testid="home-notices">
      <View className="card-title" style={{ display: 'flex', justifyContent: 'space-between' }}>
        <Text>社区公告</Text>
        <Text
          id="go-notices"
          style={{ color: '#1a7f5a', fontWeight: 'normal' }}
          onClick={() => Taro.navigateTo({ url: NOTICES_PAGE })}
        >
          更多 ›
        </Text>
      </View>
      {error && (
        <View className="muted" onClick={load}>
          公告加载失败（{error}），点此重试
        </View>
      )}
      {!error && items === null && <View className="muted">加载中…</View>}
      {items?.length === 0 && <View className="muted">社区暂未发布公告</View>}
      {items?.map((n) => (
        <View
          key={n.id}
          className="row"
          data-testid="home-notice"
          onClick={() => Taro.navigateTo({ url: noticeDetail(n.id) })}
        >
          <View className="row-main">
            <View className={`row-title ${n.read ? '' : 'unread'}`}>
              {n.pinned && <Text className="tag tag-warn">置顶</Text>} {n.title}
            </View>
            <View className="muted">
              {NOTICE_KIND_NAMES[n.kind]} · {formatTime(n.publishedAt)}
            </View>
          </View>
        </View>
      ))}
    </View>
  );
}
