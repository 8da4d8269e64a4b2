// 我的: who I am, my roles, my rooms and their verification, sign out.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import {
  BINDING_STATUS_NAMES,
  loadSession,
  people,
  refreshMe,
  RELATION_NAMES,
  ROLE_NAMES,
  shortAddress,
  signOut,
} from '../../services';
import { Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { BINDINGS_PAGE, LOGIN_PAGE, REPAIR_LIST, VOLUNTEER_MALL, VOLUNTEER_POINTS } from '../../routes';

async function loadMe() {
  if (!loadSession()) {
    await Taro.reLaunch({ url: LOGIN_PAGE });
    return null;
  }
  const me = await refreshMe();
  return { me, rooms: await people.myBindings(me) };
}

export default function Mine() {
  const load = useCallback(loadMe, []);
  const [state, reload] = useLoader(load);
  const out = async () => {
    try {
      await signOut();
    } catch (err) {
      toastError(err);
    }
    await Taro.reLaunch({ url: LOGIN_PAGE });
  };
  return (
    <View className="page" data-testid="me">
      <Guard state={state} onRetry={reload}>
        {(d) =>
          d && (
            <>
              <View className="card">
                <View className="card-title" data-testid="my-name">
                  {d.me.displayName}
                </View>
                <View className="muted">
                  {d.me.roles
                    .map((g) => `${ROLE_NAMES[g.role]}${g.orgUnitName ? `（${g.orgUnitName}）` : ''}`)
                    .join('、') || '居民'}
                </View>
                {d.me.phone && <View className="muted">手机：{d.me.phone}</View>}
              </View>
              <View className="card">
                <View className="card-title">我的房屋</View>
                {d.rooms.length === 0 && (
                  <View className="muted">
                    尚未绑定房屋。请点击下方“绑定房屋”，搜索您的房屋地址提交申请。
                  </View>
                )}
                {d.rooms.map((b) => (
                  <View key={b.id} className="row">
                    <View className="row-main">
                      <View className="row-title">{shortAddress(b.standardAddress)}</View>
                      <View className="muted">{RELATION_NAMES[b.relation] ?? b.relation}</View>
                    </View>
                    <Text className={b.status === 'verified' ? 'tag' : 'tag tag-warn'}>
                      {BINDING_STATUS_NAMES[b.status]}
                    </Text>
                  </View>
                ))}
                <Button
                  className="btn btn-secondary"
                  id="go-binding"
                  onClick={() => Taro.navigateTo({ url: BINDINGS_PAGE })}
                >
                  绑定房屋
                </Button>
              </View>
              <View className="card">
                <View className="row" onClick={() => Taro.navigateTo({ url: REPAIR_LIST })}>
                  <View className="row-main">我的报修</View>
                  <Text className="muted">›</Text>
                </View>
                <View
                  className="row"
                  id="me-points"
                  onClick={() => Taro.navigateTo({ url: VOLUNTEER_POINTS })}
                >
                  <View className="row-main">我的积分</View>
                  <Text className="muted">›</Text>
                </View>
                <View className="row" id="me-mall" onClick={() => Taro.navigateTo({ url: VOLUNTEER_MALL })}>
                  <View className="row-main">积分商城</View>
                  <Text className="muted">›</Text>
                </View>
              </View>
              <Button className="btn btn-danger" id="sign-out" onClick={out}>
                退出登录
              </Button>
            </>
          )
        }
      </Guard>
    </View>
  );
}
