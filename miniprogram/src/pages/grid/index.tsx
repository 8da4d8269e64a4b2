// 我的网格 (grid workers): the residents of my grid as the server masks them, searched by name and filtered by
// tag chips; on 全部 without a search the care recipients (关爱对象: 独居老人) come first in a card of their own.
// Paged as the list scrolls, pull down to refresh; a row opens the resident.
import { useCallback, useRef, useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import {
  FILTER_TAGS,
  gridApi,
  isCareRecipient,
  RESIDENT_TAG_NAMES,
  shortAddress,
  type Page,
  type Resident,
  type ResidentTag,
} from '../../services';
import { Empty, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { gridResident } from '../../routes';
import './grid.css';

interface Filter {
  q: string;
  tag?: ResidentTag;
}
interface Listed {
  filter: Filter;
  page: Page<Resident>;
  /** 关爱对象 shown first (only on 全部 without a search) */
  care: Resident[];
}

function ResidentRow({ r }: { r: Resident }) {
  const care = isCareRecipient(r);
  return (
    <View
      className={`row ${care ? 'grid-care' : ''}`}
      data-testid="resident-row"
      id={`resident-${r.id}`}
      onClick={() => Taro.navigateTo({ url: gridResident(r.id) })}
    >
      <View className="row-main">
        <View className="row-title" data-testid="resident-name">
          {r.name}
        </View>
        <View className="muted">
          {r.rooms.length ? shortAddress(r.rooms[0]!.standardAddress) : '未登记房屋'}
          {r.phone ? ` · ${r.phone}` : ''}
        </View>
        {r.tags.length > 0 && (
          <View className="grid-tags">
            {r.tags.map((t) => (
              <Text key={t} className={`tag ${care ? 'tag-warn' : ''}`} data-testid="resident-tag">
                {RESIDENT_TAG_NAMES[t]}
              </Text>
            ))}
          </View>
        )}
      </View>
    </View>
  );
}

export default function MyGrid() {
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<Filter>({ q: '' });
  const current = useRef<Filter>(filter);
  const [more, setMore] = useState<Resident[]>([]);
  const [pageNo, setPageNo] = useState(1);

  const load = useCallback(async (): Promise<Listed> => {
    const f = current.current;
    setMore([]);
    setPageNo(1);
    const showCare = !f.tag && !f.q;
    const [page, care] = await Promise.all([
      gridApi.residents({ q: f.q, tag: f.tag }),
      showCare
        ? gridApi.residents({ tag: 'elderly_living_alone', pageSize: 50 }).then((p) => p.items)
        : Promise.resolve([] as Resident[]),
    ]);
    return { filter: f, page, care };
  }, []);
  const [state, reload] = useLoader(load);

  const apply = (f: Filter) => {
    current.current = f;
    setFilter(f);
    void reload();
  };

  useReachBottom(() => {
    const d = state.data;
    if (!d || d.page.items.length + more.length >= d.page.total) return;
    gridApi
      .residents({ q: d.filter.q, tag: d.filter.tag, page: pageNo + 1 })
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPageNo(pageNo + 1);
      })
      .catch(toastError);
  });

  return (
    <View className="page" data-testid="grid-list">
      <View className="card">
        <View className="grid-search">
          <Input
            className="input"
            id="grid-search"
            value={text}
            maxlength={50}
            placeholder="输入姓名搜索"
            confirmType="search"
            onInput={(e) => setText(e.detail.value)}
            onConfirm={() => apply({ ...filter, q: text.trim() })}
          />
          <Button
            className="btn btn-secondary"
            id="grid-search-go"
            onClick={() => apply({ ...filter, q: text.trim() })}
          >
            搜索
          </Button>
        </View>
        <View className="chips" style={{ marginTop: '20px' }}>
          <View
            id="tag-all"
            className={`chip ${!filter.tag ? 'chip-on' : ''}`}
            onClick={() => apply({ ...filter, tag: undefined })}
          >
            全部
          </View>
          {FILTER_TAGS.map((t) => (
            <View
              key={t}
              id={`tag-${t}`}
              className={`chip ${filter.tag === t ? 'chip-on' : ''}`}
              onClick={() => apply({ ...filter, tag: t })}
            >
              {RESIDENT_TAG_NAMES[t]}
            </View>
          ))}
        </View>
      </View>
      <Guard state={state} onRetry={reload}>
        {(d) => {
          if (d.filter !== filter) return <View className="muted">加载中…</View>;
          const careIds = new Set(d.care.map((r) => r.id));
          const items = [...d.page.items, ...more].filter((r) => !careIds.has(r.id));
          if (!d.care.length && !items.length)
            return (
              <Empty
                text={
                  d.filter.q || d.filter.tag
                    ? '没有符合条件的居民，换个姓名或标签试试'
                    : '网格内暂无在册居民，下拉可刷新；居民由社区在管理后台登记'
                }
              />
            );
          return (
            <>
              {d.care.length > 0 && (
                <View className="card" data-testid="care-card">
                  <View className="card-title">关爱对象 · 独居老人（{d.care.length}）</View>
                  {d.care.map((r) => (
                    <ResidentRow key={r.id} r={r} />
                  ))}
                </View>
              )}
              <View className="card" data-testid="resident-card">
                <View className="card-title">
                  {d.filter.tag ? RESIDENT_TAG_NAMES[d.filter.tag] : '全部居民'}（{d.page.total}）
                </View>
                {items.map((r) => (
                  <ResidentRow key={r.id} r={r} />
                ))}
                {d.page.items.length + more.length >= d.page.total ? (
                  <View className="muted">没有更多了</View>
                ) : (
                  <View className="muted">上滑加载更多</View>
                )}
              </View>
            </>
          );
        }}
      </Guard>
    </View>
  );
}
