// One alert as a card: severity, type, state, place, device, first and last time (China time), count; one that
// just arrived live is highlighted.
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Alert } from '@linli/contracts';
import { ALERT_STATUS_NAMES, chinaTime, SEVERITY_NAMES, typeNameOf } from '../../services';

/** fresh: it just arrived over the live socket (highlighted, marked 新) */
export function AlertCard({ a, fresh, onClick }: { a: Alert; fresh?: boolean; onClick?: () => void }) {
  const done = a.status === 'resolved' || a.status === 'closed';
  return (
    <View
      className={`card alert-card alert-card-${a.severity}`}
      data-testid="alert-card"
      data-fresh={fresh ? 'true' : undefined}
      style={fresh ? { background: '#fff8e1' } : undefined}
      onClick={onClick}
    >
      <View className="alert-head">
        <View className="alert-title">
          <Text className={`sev sev-${a.severity}`}>{SEVERITY_NAMES[a.severity]}</Text>
          <Text data-testid="alert-type">{typeNameOf(a)}</Text>
          {fresh && (
            <Text
              className="tag"
              style={{ marginLeft: Taro.pxTransform(12), background: '#e08e0b', color: '#ffffff' }}
              data-testid="alert-new"
            >
              新
            </Text>
          )}
        </View>
        <Text
          className={done ? 'tag tag-done' : a.status === 'open' ? 'tag tag-warn' : 'tag'}
          data-testid="alert-status"
        >
          {ALERT_STATUS_NAMES[a.status]}
        </Text>
      </View>
      <View className="alert-line" data-testid="alert-location">
        {a.location}
      </View>
      {a.deviceName && <View className="alert-line">设备：{a.deviceName}</View>}
      <View className="alert-line">
        首次 {chinaTime(a.firstAt)} · 最近 {chinaTime(a.lastAt)} ·{' '}
        <Text className="alert-count">共{a.count}次</Text>
      </View>
    </View>
  );
}
