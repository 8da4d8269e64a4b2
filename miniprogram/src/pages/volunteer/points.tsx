// 我的积分: my balance, points and hours earned (this year and all time), services, my rank in the community, and
// the points history (newest first): each service, redemption, refund and adjustment with its note.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { LEDGER_KIND_NAMES, REGISTRATION_STATUS_NAMES, volunteerApi } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { VOLUNTEER_HOME, VOLUNTEER_MALL } from '../../routes';
import './volunteer.css';

export default function MyPoints() {
  const load = useCallback(() => volunteerApi.myRecord(), []);
  const [state, reload] = useLoader(load);
  return (
    <View className="page" data-testid="volunteer-points">
      <Guard state={state} onRetry={reload}>
        {(r) => (
          <>
            <View className="card">
              <View className="card-title">
                <Text>可用积分</Text>
                <Text className={r.registration === 'approved' ? 'tag' : 'tag tag-warn'}>
                  {r.registration ? `志愿者${REGISTRATION_STATUS_NAMES[r.registration]}` : '未注册志愿者'}
                </Text>
              </View>
              <View className="vol-balance" data-testid="points-balance">
                {r.balance}
              </View>
              <View className="vol-stats">
                <View className="vol-stat">
                  <View className="vol-stat-number" data-testid="points-earned-year">
                    {r.earned.thisYear}
                  </View>
                  <View className="muted">今年获得</View>
                </View>
                <View className="vol-stat">
                  <View className="vol-stat-number">{r.hours.allTime}</View>
                  <View className="muted">服务小时</View>
                </View>
                <View className="vol-stat">
                  <View className="vol-stat-number" data-testid="points-services">
                    {r.services}
                  </View>
                  <View className="muted">服务次数</View>
                </View>
                <View className="vol-stat">
                  <View className="vol-stat-number">
                    {r.rank.pointsThisYear.rank ? `第${r.rank.pointsThisYear.rank}` : '—'}
                  </View>
                  <View className="muted">今年排名</View>
                </View>
              </View>
              <Button
                className="btn btn-secondary"
                id="points-go-mall"
                onClick={() => void Taro.navigateTo({ url: VOLUNTEER_MALL })}
              >
                去积分商城兑换
              </Button>
            </View>
            <View className="card" data-testid="points-history">
              <View className="card-title">积分明细</View>
              {r.ledger.length === 0 ? (
                <Empty
                  text="还没有积分记录，认领微心愿、参加志愿活动可以获得积分"
                  action={
                    <Button
                      className="btn"
                      id="points-go-volunteer"
                      onClick={() => void Taro.navigateTo({ url: VOLUNTEER_HOME })}
                    >
                      去做志愿服务
                    </Button>
                  }
                />
              ) : (
                r.ledger.map((e) => (
                  <View key={e.id} className="row" data-testid="points-entry">
                    <View className="row-main">
                      <View className="row-title vol-wrap">{e.note || LEDGER_KIND_NAMES[e.kind]}</View>
                      <View className="muted">
                        {LEDGER_KIND_NAMES[e.kind]} · {formatTime(e.at)}
                        {e.hours ? ` · ${e.hours} 小时` : ''}
                      </View>
                    </View>
                    <Text className={e.amount > 0 ? 'vol-plus' : 'vol-minus'}>
                      {e.amount > 0 ? `+${e.amount}` : e.amount}
                    </Text>
                  </View>
                ))
              )}
            </View>
          </>
        )}
      </Guard>
    </View>
  );
}
