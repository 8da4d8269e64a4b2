// 我的房屋: the rooms I am bound to or asked to be, with their state (审核中 / 已认证 / 未通过 with the reviewer's
// reason / 已解除), and 绑定房屋 to ask for another one. Reloaded on show and on pull-down.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { BINDING_STATUS_NAMES, refreshMe, RELATION_NAMES, shortAddress } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { BINDING_REQUEST } from '../../routes';
import { bindingApi } from './api';

const TAG: Record<string, string> = {
  pending: 'tag tag-warn',
  verified: 'tag',
  rejected: 'tag tag-done',
  ended: 'tag tag-done',
};

export default function MyRooms() {
  const load = useCallback(async () => bindingApi.mine(await refreshMe()), []);
  const [state, reload] = useLoader(load);
  const bind = () => void Taro.navigateTo({ url: BINDING_REQUEST });
  return (
    <View className="page" data-testid="bindings">
      <Guard state={state} onRetry={reload}>
        {(rooms) =>
          rooms.length === 0 ? (
            <Empty
              text="您还没有绑定房屋。绑定并经社区或物业核实后，就可以报修、办事。"
              action={
                <Button className="btn" id="start-binding" onClick={bind}>
                  绑定房屋
                </Button>
              }
            />
          ) : (
            <>
              <View className="card">
                {rooms.map((b) => (
                  <View key={b.id} className="row" data-testid="binding-row">
                    <View className="row-main">
                      <View className="row-title">{shortAddress(b.standardAddress)}</View>
                      <View className="muted">
                        {RELATION_NAMES[b.relation] ?? b.relation}
                        {b.status === 'pending' ? ' · 等待社区或物业核实' : ''}
                      </View>
                      {b.status === 'rejected' && (
                        <View className="muted" data-testid="binding-reason">
                          未通过原因：{b.reviewNote || '未说明，请联系社区工作人员'}
                        </View>
                      )}
                      {b.reviewedAt && b.status !== 'pending' && (
                        <View className="muted">审核时间：{formatTime(b.reviewedAt)}</View>
                      )}
                    </View>
                    <Text
                      className={TAG[b.status] ?? 'tag'}
                      style={b.status === 'rejected' ? { color: '#c0392b' } : undefined}
                      data-testid="binding-status"
                    >
                      {BINDING_STATUS_NAMES[b.status]}
                    </Text>
                  </View>
                ))}
              </View>
              <Button className="btn" id="start-binding" onClick={bind}>
                绑定房屋
              </Button>
            </>
          )
        }
      </Guard>
    </View>
  );
}
