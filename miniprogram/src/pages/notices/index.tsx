// 社区公告 / 党建: the published notices and party-building news of my communities, in two tabs, pinned and
// newest first; unread ones marked; paged as the list scrolls, pull down to refresh; a row opens its detail.
import { useCallback, useRef, useState } from 'react';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Notice, NoticeKind } from '@linli/contracts';
import { NOTICE_KIND_NAMES, noticesApi, type Page } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { noticeDetail } from '../../routes';

const TABS: NoticeKind[] = ['notice', 'party_news'];
/** the summary in at most two lines */
const CLAMP = {
  display: '-webkit-box',
  WebkitLineClamp: 2,
  WebkitBoxOrient: 'vertical',
  overflow: 'hidden',
} as const;

interface Listed extends Page<Notice> {
  kind: NoticeKind;
}

export default function NoticeList() {
  const router = useRouter();
  const [kind, setKind] = useState<NoticeKind>(router.params.kind === 'party_news' ? 'party_news' : 'notice');
  const current = useRef(kind);
  const [more, setMore] = useState<Notice[]>([]);
  const [page, setPage] = useState(1);
  const load = useCallback(async (): Promise<Listed> => {
    const k = current.current;
    setMore([]);
    setPage(1);
    return { ...(await noticesApi.list(k)), kind: k };
  }, []);
  const [state, reload] = useLoader(load);

  const choose = (k: NoticeKind) => {
    current.current = k;
    setKind(k);
    void Taro.setNavigationBarTitle({ title: k === 'party_news' ? '党建动态' : '社区公告' });
    void reload();
  };

  useReachBottom(() => {
    const d = state.data;
    if (!d || d.items.length + more.length >= d.total) return;
    noticesApi
      .list(d.kind, page + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPage(page + 1);
      })
      .catch(toastError);
  });

  return (
    <View className="page" data-testid="notice-list">
      <View className="tabs">
        {TABS.map((k) => (
          <View
            key={k}
            id={`notice-tab-${k}`}
            className={`tab ${k === kind ? 'tab-on' : ''}`}
            onClick={() => choose(k)}
          >
            {NOTICE_KIND_NAMES[k]}
          </View>
        ))}
      </View>
      <Guard state={state} onRetry={reload}>
        {(d) => {
          if (d.kind !== kind) return <View className="muted">加载中…</View>;
          const items = [...d.items, ...more];
          if (!items.length)
            return (
              <Empty text={kind === 'notice' ? '社区暂未发布公告，下拉可刷新' : '暂无党建动态，下拉可刷新'} />
            );
          return (
            <View className="card">
              {items.map((n) => (
                <View
                  key={n.id}
                  className="row"
                  data-testid="notice-row"
                  onClick={() => Taro.navigateTo({ url: noticeDetail(n.id) })}
                >
                  <View className="row-main">
                    <View className={`row-title ${n.read ? '' : 'unread'}`} data-testid="notice-title">
                      {n.pinned && <Text className="tag tag-warn">置顶</Text>} {n.title}
                    </View>
                    <View className="muted" style={CLAMP}>
                      {n.summary}
                    </View>
                    <View className="muted">
                      {n.orgUnitName} · {formatTime(n.publishedAt)}
                    </View>
                  </View>
                </View>
              ))}
              {items.length >= d.total && <View className="muted">没有更多了</View>}
            </View>
          );
        }}
      </Guard>
    </View>
  );
}
