// 绑定房屋: find my room in the standard address directory (type part of the address: the compound, building,
// room number; searched as I type, 20 at a time with 加载更多), pick it, say how I live there (业主 / 家庭成员 /
// 租户), give my name the first time (a resident record is made with the request), and send it. The community or
// the property company verifies it; 我的房屋 shows 审核中 until then.
import { useEffect, useRef, useState } from 'react';
import Taro, { useLoad, useReachBottom } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { currentUser, messageOf, refreshMe, RELATION_NAMES, shortAddress } from '../../services';
import { ErrorState, Loading } from '../../components/ui';
import { toastError } from '../../components/use-loader';
import { BINDINGS_PAGE } from '../../routes';
import { bindingApi, RELATIONS, type Relation, type RoomHit } from './api';

/** wait this long after the last key before searching */
const DEBOUNCE_MS = 400;

interface Results {
  q: string;
  items: RoomHit[];
  total: number;
  page: number;
}

export default function Bind() {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState('');
  const [room, setRoom] = useState<RoomHit | null>(null);
  const [relation, setRelation] = useState<Relation | ''>('');
  const [name, setName] = useState('');
  const [needsName, setNeedsName] = useState(false);
  const [busy, setBusy] = useState(false);
  /** the latest search asked for: older answers arriving late are dropped */
  const asked = useRef('');

  useLoad(() => {
    setNeedsName(!currentUser()?.residentId);
    refreshMe()
      .then((me) => setNeedsName(!me.residentId))
      .catch(() => undefined);
  });

  const search = async (text: string, page: number) => {
    asked.current = `${text}#${page}`;
    setSearching(true);
    setSearchError('');
    try {
      const res = await bindingApi.searchRooms(text, page);
      if (asked.current !== `${text}#${page}`) return;
      setResults((r) =>
        page > 1 && r && r.q === text
          ? { ...r, items: [...r.items, ...res.items], page }
          : { q: text, items: res.items, total: res.total, page },
      );
    } catch (err) {
      if (asked.current === `${text}#${page}`) setSearchError(messageOf(err));
    } finally {
      if (asked.current === `${text}#${page}`) setSearching(false);
    }
  };

  useEffect(() => {
    const text = q.trim();
    if (text.length < 2) {
      asked.current = '';
      setResults(null);
      setSearching(false);
      return;
    }
    const timer = setTimeout(() => void search(text, 1), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q]);

  const more = () => {
    if (results && !searching && results.items.length < results.total)
      void search(results.q, results.page + 1);
  };
  useReachBottom(more);

  const missing = !room
    ? '请先搜索并选择您的房屋'
    : !relation
      ? '请选择您与房屋的关系'
      : needsName && name.trim().length < 2
        ? '请填写您的真实姓名（至少 2 个字）'
        : '';

  const submit = async () => {
    if (missing) {
      void Taro.showToast({ title: missing, icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      await bindingApi.request({
        roomId: room!.id,
        relation: relation as Relation,
        ...(needsName ? { name: name.trim() } : {}),
      });
      await refreshMe().catch(() => undefined);
      void Taro.showToast({ title: '已提交，等待审核', icon: 'success' });
      // back to 我的房屋 (it reloads on show), or there when this page was opened some other way
      const pages = Taro.getCurrentPages();
      const from = pages[pages.length - 2]?.route ?? '';
      if (BINDINGS_PAGE.endsWith(from.replace(/^\//, '')) && from) await Taro.navigateBack();
      else await Taro.redirectTo({ url: BINDINGS_PAGE });
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page" data-testid="bind">
      <View className="card">
        <View className="field">
          <View className="label">搜索房屋地址</View>
          <Input
            className="input"
            id="address-search"
            value={q}
            maxlength={100}
            placeholder="输入小区、楼栋或房号，如：凤凰小区 3号楼 502"
            onInput={(e) => setQ(e.detail.value)}
          />
        </View>
        {q.trim().length < 2 && <View className="muted">至少输入 2 个字开始搜索</View>}
        {searchError && <ErrorState message={searchError} onRetry={() => void search(q.trim(), 1)} />}
        {results && results.items.length === 0 && !searching && !searchError && (
          <View className="muted" data-testid="no-rooms">
            没有找到“{results.q}”，请换个写法（如只输入小区名和房号），或联系社区工作人员
          </View>
        )}
        {results && results.items.length > 0 && (
          <View data-testid="room-results">
            <View className="muted">找到 {results.total} 套房屋，点击选择</View>
            {results.items.map((r) => (
              <View
                key={r.id}
                id={`room-${r.id}`}
                className="row"
                data-testid="room-result"
                onClick={() => setRoom(r)}
              >
                <View className="row-main">
                  <View className="row-title">{shortAddress(r.standardAddress)}</View>
                </View>
                {room?.id === r.id && <Text className="tag">已选择</Text>}
              </View>
            ))}
            {results.items.length < results.total && (
              <Button className="btn btn-secondary" id="more-rooms" disabled={searching} onClick={more}>
                加载更多（还有 {results.total - results.items.length} 套）
              </Button>
            )}
          </View>
        )}
        {searching && <Loading text="搜索中…" />}
      </View>
      <View className="card">
        <View className="field">
          <View className="label">已选房屋</View>
          <View className={room ? 'row-title' : 'muted'} data-testid="picked-room">
            {room ? shortAddress(room.standardAddress) : '尚未选择'}
          </View>
        </View>
        <View className="field">
          <View className="label">您与房屋的关系</View>
          <View className="chips">
            {RELATIONS.map((r) => (
              <View
                key={r}
                id={`relation-${r}`}
                className={`chip ${relation === r ? 'chip-on' : ''}`}
                onClick={() => setRelation(r)}
              >
                {RELATION_NAMES[r]}
              </View>
            ))}
          </View>
        </View>
        {needsName && (
          <View className="field">
            <View className="label">您的姓名</View>
            <Input
              className="input"
              id="binding-name"
              value={name}
              maxlength={50}
              placeholder="与身份证一致，社区核实时使用"
              onInput={(e) => setName(e.detail.value)}
            />
          </View>
        )}
        <View className="muted">提交后由社区或物业核实，通过后即可报修、办事。</View>
      </View>
      <Button className="btn" id="submit-binding" disabled={busy} onClick={submit}>
        {busy ? '正在提交…' : '提交绑定申请'}
      </Button>
    </View>
  );
}
