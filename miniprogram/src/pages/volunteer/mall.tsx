// 积分商城: my balance, the community's goods and services with their price in points and stock (兑换 asks to
// confirm first), and 我的兑换: my redemptions with their state and, while waiting, the pickup code to show at
// the counter (a reserved one may be cancelled: the points come back). Paged, pull to refresh.
import { useCallback, useRef, useState } from 'react';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { MallItem, Redemption } from '@linli/contracts';
import { REDEMPTION_STATUS_NAMES, volunteerApi, volunteerMessageOf, type Page } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import './volunteer.css';

type Tab = 'items' | 'orders';
const TAB_NAMES: Record<Tab, string> = { items: '兑换商品', orders: '我的兑换' };

type Listed =
  | { tab: 'items'; balance: number; page: Page<MallItem> }
  | { tab: 'orders'; balance: number; page: Page<Redemption> };

function fail(err: unknown) {
  void Taro.showToast({ title: volunteerMessageOf(err), icon: 'none', duration: 3000 });
}

export default function Mall() {
  const { params } = useRouter();
  const [tab, setTab] = useState<Tab>(params.tab === 'orders' ? 'orders' : 'items');
  const [more, setMore] = useState<(MallItem | Redemption)[]>([]);
  const [pageNo, setPageNo] = useState(1);
  const [busy, setBusy] = useState(false);
  const current = useRef(tab);
  const load = useCallback(async (): Promise<Listed> => {
    const want = current.current;
    setMore([]);
    setPageNo(1);
    const record = await volunteerApi.myRecord();
    return want === 'items'
      ? { tab: want, balance: record.balance, page: await volunteerApi.mallItems() }
      : { tab: want, balance: record.balance, page: await volunteerApi.myRedemptions() };
  }, []);
  const [state, reload] = useLoader(load);

  const choose = (t: Tab) => {
    current.current = t;
    setTab(t);
    void reload();
  };

  useReachBottom(() => {
    const d = state.data;
    if (!d || d.page.items.length + more.length >= d.page.total) return;
    const next =
      d.tab === 'items' ? volunteerApi.mallItems(pageNo + 1) : volunteerApi.myRedemptions(pageNo + 1);
    next
      .then((p: Page<MallItem | Redemption>) => {
        setMore((m) => [...m, ...p.items]);
        setPageNo(pageNo + 1);
      })
      .catch(toastError);
  });

  const redeem = async (item: MallItem, balance: number) => {
    const res = await Taro.showModal({
      title: '确认兑换',
      content: `用 ${item.pointsPrice} 积分兑换“${item.name}”？兑换后剩余 ${balance - item.pointsPrice} 积分，凭取件码到${item.providerName}领取。`,
      confirmText: '兑换',
      cancelText: '再想想',
    });
    if (!res.confirm) return;
    setBusy(true);
    try {
      const r = await volunteerApi.redeem(item.id, 1);
      void Taro.showToast({ title: `兑换成功，取件码 ${r.pickupCode ?? ''}`, icon: 'none', duration: 3000 });
      choose('orders');
    } catch (err) {
      fail(err);
      void reload();
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (r: Redemption) => {
    const res = await Taro.showModal({
      title: '取消兑换',
      content: `取消“${r.itemName}”的兑换？${r.points} 积分将退回。`,
      confirmText: '取消兑换',
      cancelText: '返回',
    });
    if (!res.confirm) return;
    try {
      await volunteerApi.cancelRedemption(r.id, '居民在小程序中取消');
      void Taro.showToast({ title: '已取消，积分已退回', icon: 'none' });
      await reload();
    } catch (err) {
      fail(err);
    }
  };

  const stale = state.data && state.data.tab !== tab;

  return (
    <View className="page" data-testid="volunteer-mall">
      {state.data && (
        <View className="card">
          <View className="card-title">
            <Text>我的可用积分</Text>
            <Text className="vol-points" data-testid="mall-balance">
              {state.data.balance}
            </Text>
          </View>
        </View>
      )}
      <View className="tabs">
        {(['items', 'orders'] as Tab[]).map((t) => (
          <View
            key={t}
            id={`mall-tab-${t}`}
            className={`tab ${t === tab ? 'tab-on' : ''}`}
            onClick={() => choose(t)}
          >
            {TAB_NAMES[t]}
          </View>
        ))}
      </View>
      <Guard state={stale ? {} : state} onRetry={reload}>
        {(d) => {
          if (d.tab === 'items') {
            const items = [...d.page.items, ...(more as MallItem[])];
            if (!items.length) return <Empty text="商城暂无商品，社区上架后会在这里显示" />;
            return (
              <View data-testid="mall-items">
                {items.map((it) => (
                  <View key={it.id} className="card" data-testid="mall-item">
                    <View className="card-title">
                      <Text data-testid="mall-item-name">{it.name}</Text>
                      <Text className="vol-points">{it.pointsPrice} 积分</Text>
                    </View>
                    {it.description && <View>{it.description}</View>}
                    <View className="muted" data-testid="mall-item-stock">
                      {it.kind === 'service' ? '服务' : '商品'} · {it.providerName} ·{' '}
                      {it.stock > 0 ? `库存 ${it.stock}` : '已兑完'}
                    </View>
                    <Button
                      className="btn"
                      id={`redeem-${it.id}`}
                      data-testid="mall-redeem"
                      disabled={busy || it.stock <= 0 || d.balance < it.pointsPrice}
                      onClick={() => void redeem(it, d.balance)}
                    >
                      {it.stock <= 0 ? '已兑完' : d.balance < it.pointsPrice ? '积分不足' : '兑换'}
                    </Button>
                  </View>
                ))}
                {items.length >= d.page.total && <View className="muted">没有更多了</View>}
              </View>
            );
          }
          const orders = [...d.page.items, ...(more as Redemption[])];
          if (!orders.length) return <Empty text="还没有兑换记录，去“兑换商品”看看吧" />;
          return (
            <View className="card" data-testid="mall-orders">
              {orders.map((r) => (
                <View key={r.id} className="row" data-testid="mall-order">
                  <View className="row-main">
                    <View className="row-title" data-testid="mall-order-name">
                      {r.itemName} ×{r.quantity}
                    </View>
                    <View className="muted">
                      {r.points} 积分 · {r.providerName} · {formatTime(r.createdAt)}
                    </View>
                    {r.status === 'reserved' && r.pickupCode && (
                      <View className="muted">
                        取件码{' '}
                        <Text className="vol-code" data-testid="mall-order-code">
                          {r.pickupCode}
                        </Text>
                      </View>
                    )}
                    {r.status === 'cancelled' && r.cancelReason && (
                      <View className="muted">取消原因：{r.cancelReason}</View>
                    )}
                  </View>
                  <View style={{ textAlign: 'right' }}>
                    <Text
                      className={
                        r.status === 'reserved'
                          ? 'tag tag-warn'
                          : r.status === 'fulfilled'
                            ? 'tag'
                            : 'tag tag-done'
                      }
                      data-testid="mall-order-state"
                    >
                      {REDEMPTION_STATUS_NAMES[r.status]}
                    </Text>
                    {r.status === 'reserved' && (
                      <View className="muted" id={`cancel-${r.id}`} onClick={() => void cancel(r)}>
                        取消兑换
                      </View>
                    )}
                  </View>
                </View>
              ))}
              {orders.length >= d.page.total && <View className="muted">没有更多了</View>}
            </View>
          );
        }}
      </Guard>
    </View>
  );
}
