// 事项详情 (办事指南 of one item): what it is for, the promised time limit, who offers and handles it, the
// materials to hand in (required or not, what a good one looks like) and the form to fill; 在线申请.
import { useCallback } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import {
  approvalsApi,
  currentUser,
  FORM_FIELD_TYPE_NAMES,
  formFieldsOf,
  hasRole,
  isStaff,
} from '../../services';
import { Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { approvalApply } from '../../routes';
import './approval.css';

export default function ApprovalItemGuide() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(() => approvalsApi.item(id), [id]);
  const [state, reload] = useLoader(load);
  const me = currentUser();
  // staff apply for a resident at the window (admin console); the mini-program applies for oneself
  const staffOnly = isStaff(me) && !hasRole(me, 'resident');

  return (
    <View className="page" data-testid="approval-item-detail">
      <Guard state={state} onRetry={reload}>
        {(it) => (
          <>
            <View className="card">
              <View className="card-title">
                <Text data-testid="item-name">{it.name}</Text>
              </View>
              {it.description && <View data-testid="item-description">{it.description}</View>}
              <View className="kv">
                <Text className="kv-key">承诺时限</Text>
                <Text className="kv-value" data-testid="item-time-limit">
                  {it.timeLimitDays} 个工作日（补正期间不计）
                </Text>
              </View>
              <View className="kv">
                <Text className="kv-key">受理单位</Text>
                <Text className="kv-value">{it.orgUnitName}</Text>
              </View>
              {it.handlingOrgUnitName && (
                <View className="kv">
                  <Text className="kv-key">承办单位</Text>
                  <Text className="kv-value">{it.handlingOrgUnitName}</Text>
                </View>
              )}
            </View>
            <View className="card" data-testid="item-materials">
              <View className="card-title">办理材料</View>
              {!it.materials.length && <View className="muted">无需提交材料</View>}
              {it.materials.map((m) => (
                <View key={m.name} className="material-row" data-testid="item-material">
                  <View>
                    {m.name}
                    {m.required ? (
                      <Text className="required">（必交）</Text>
                    ) : (
                      <Text className="muted">（选交）</Text>
                    )}
                  </View>
                  {m.example && <View className="muted">{m.example}</View>}
                </View>
              ))}
            </View>
            <View className="card" data-testid="item-form">
              <View className="card-title">需填写的信息</View>
              {!formFieldsOf(it).length && <View className="muted">无需填写表单</View>}
              {formFieldsOf(it).map((f) => (
                <View key={f.key} className="kv">
                  <Text className="kv-key">
                    {f.label}
                    {f.required ? '' : '（选填）'}
                  </Text>
                  <Text className="kv-value muted">
                    {f.type === 'select' ? (f.options ?? []).join(' / ') : FORM_FIELD_TYPE_NAMES[f.type]}
                  </Text>
                </View>
              ))}
            </View>
            {!staffOnly && (
              <Button
                className="btn"
                id="go-approval-apply"
                onClick={() => Taro.navigateTo({ url: approvalApply(it.id) })}
              >
                在线申请
              </Button>
            )}
            {staffOnly && <View className="muted">工作人员请在电脑端管理后台代居民窗口办件。</View>}
          </>
        )}
      </Guard>
    </View>
  );
}
