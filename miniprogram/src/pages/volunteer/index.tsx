// 志愿服务: my standing as a volunteer (注册志愿者, 审核中, or registered with my points), links to 我的积分 and
// 积分商城, and the published micro-wishes and volunteer activities of my community by tab (微心愿 / 志愿活动),
// newest first, paged, pull to refresh; 发布微心愿 for residents.
import { useCallback, useRef, useState } from 'react';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { VolunteerActivity, VolunteerRecord } from '@linli/contracts';
import {
  REGISTRATION_STATUS_NAMES,
  statusNameOf,
  VOLUNTEER_KIND_NAMES,
  volunteerApi,
  type Page,
  type VolunteerActivityKind,
} from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import {
  VOLUNTEER_MALL,
  VOLUNTEER_POINTS,
  VOLUNTEER_POST_WISH,
  VOLUNTEER_REGISTER,
  volunteerDetail,
  volunteerReview,
} from '../../routes';
import { mayReviewVolunteers } from '../../services/volunteer-staff';
import { volunteerTagClass } from './state-tag';
import './volunteer.css';

const TABS: VolunteerActivityKind[] = ['wish', 'activity'];

interface Listed {
  kind: VolunteerActivityKind;
  mine: boolean;
  page: Page<VolunteerActivity>;
  record: VolunteerRecord;
}

function Standing({ record }: { record: VolunteerRecord }) {
  const go = (url: string) => void Taro.navigateTo({ url });
  if (record.registration === 'approved')
    return (
      <View className="card" data-testid="volunteer-standing">
        <View className="card-title">
          <Text>
            {record.name}
            {record.isPartyMember ? '（党员）' : ''}
          </Text>
          <Text className="tag" data-testid="registration-state">
            {REGISTRATION_STATUS_NAMES.approved}志愿者
          </Text>
        </View>
        <View className="muted">
          可用积分 {record.balance} · 服务 {record.services} 次 · 累计 {record.hours.allTime} 小时
        </View>
      </View>
    );
  return (
    <View className="card" data-testid="volunteer-standing">
      <View className="card-title">
        <Text>成为社区志愿者</Text>
        {record.registration && (
          <Text
            className={record.registration === 'pending' ? 'tag tag-warn' : 'tag tag-done'}
            data-testid="registration-state"
          >
            {REGISTRATION_STATUS_NAMES[record.registration]}
          </Text>
        )}
      </View>
      {record.registration === 'pending' ? (
        <View className="muted">您的志愿者登记正在等待社区审核，通过后即可认领微心愿、报名志愿活动。</View>
      ) : (
        <>
          <View className="muted">
            {record.registration === 'rejected'
              ? '您的志愿者登记未通过审核，可以补充信息后重新登记。'
              : '注册志愿者可以认领邻居的微心愿、报名志愿活动，服务后获得志愿积分，兑换商城好物。'}
          </View>
          <Button className="btn" id="go-volunteer-register" onClick={() => go(VOLUNTEER_REGISTER)}>
            注册志愿者
          </Button>
        </>
      )}
    </View>
  );
}

export default function VolunteerHome() {
  const { params } = useRouter();
  const [kind, setKind] = useState<VolunteerActivityKind>(params.tab === 'activity' ? 'activity' : 'wish');
  const [mine, setMine] = useState(false);
  const [more, setMore] = useState<VolunteerActivity[]>([]);
  const [pageNo, setPageNo] = useState(1);
  // the loader reads the tab from here, so that a tab change can reload at once
  const current = useRef({ kind, mine });
  const load = useCallback(async (): Promise<Listed> => {
    const want = current.current;
    setMore([]);
    setPageNo(1);
    const [page, record] = await Promise.all([
      volunteerApi.list(want.kind, 1, want.mine),
      volunteerApi.myRecord(),
    ]);
    return { ...want, page, record };
  }, []);
  const [state, reload] = useLoader(load);

  const choose = (next: { kind: VolunteerActivityKind; mine: boolean }) => {
    current.current = next;
    setKind(next.kind);
    setMine(next.mine);
    void reload();
  };

  useReachBottom(() => {
    const d = state.data;
    if (!d || d.page.items.length + more.length >= d.page.total) return;
    volunteerApi
      .list(d.kind, pageNo + 1, d.mine)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPageNo(pageNo + 1);
      })
      .catch(toastError);
  });

  const go = (url: string) => void Taro.navigateTo({ url });
  const stale = state.data && (state.data.kind !== kind || state.data.mine !== mine);

  return (
    <View className="page" data-testid="volunteer-home">
      {mayReviewVolunteers() && (
        <View
          className="card"
          id="go-volunteer-review"
          data-testid="volunteer-staff-entry"
          onClick={() => go(volunteerReview())}
        >
          <View className="card-title">
            <Text>志愿服务管理</Text>
            <Text className="link">去处理 ›</Text>
          </View>
          <View className="muted">审核志愿者注册、微心愿和活动，核实服务，确认活动参与和时长</View>
        </View>
      )}
      {state.data && <Standing record={state.data.record} />}
      <View className="vol-links">
        <View className="vol-link" id="go-post-wish" onClick={() => go(VOLUNTEER_POST_WISH)}>
          发布心愿
        </View>
        <View className="vol-link" id="go-my-points" onClick={() => go(VOLUNTEER_POINTS)}>
          我的积分
        </View>
        <View className="vol-link" id="go-mall" onClick={() => go(VOLUNTEER_MALL)}>
          积分商城
        </View>
      </View>
      <View className="tabs">
        {TABS.map((t) => (
          <View
            key={t}
            id={`volunteer-tab-${t}`}
            className={`tab ${t === kind ? 'tab-on' : ''}`}
            onClick={() => choose({ kind: t, mine })}
          >
            {VOLUNTEER_KIND_NAMES[t]}
          </View>
        ))}
      </View>
      <View className="chips" style={{ marginBottom: '24px' }}>
        <View
          id="volunteer-filter-all"
          className={`chip ${mine ? '' : 'chip-on'}`}
          onClick={() => choose({ kind, mine: false })}
        >
          全部
        </View>
        <View
          id="volunteer-filter-mine"
          className={`chip ${mine ? 'chip-on' : ''}`}
          onClick={() => choose({ kind, mine: true })}
        >
          {kind === 'wish' ? '我发布或认领的' : '我报名的'}
        </View>
      </View>
      <Guard state={stale ? {} : state} onRetry={reload}>
        {(d) => {
          const items = [...d.page.items, ...more];
          if (!items.length)
            return (
              <Empty
                text={
                  d.kind === 'wish'
                    ? d.mine
                      ? '您还没有发布或认领微心愿'
                      : '暂无微心愿，有需要帮助的事可以发布心愿'
                    : d.mine
                      ? '您还没有报名志愿活动'
                      : '暂无志愿活动，社区发布后会通知志愿者'
                }
                action={
                  d.kind === 'wish' ? (
                    <Button className="btn" id="post-wish-empty" onClick={() => go(VOLUNTEER_POST_WISH)}>
                      发布心愿
                    </Button>
                  ) : undefined
                }
              />
            );
          return (
            <View className="card" data-testid="volunteer-list">
              {items.map((a) => (
                <View
                  key={a.id}
                  className="row"
                  data-testid="volunteer-row"
                  onClick={() => go(volunteerDetail(a.id))}
                >
                  <View className="row-main">
                    <View className="row-title">{a.title}</View>
                    <View className="muted">
                      {a.kind === 'activity'
                        ? `${formatTime(a.startsAt)} · 已报 ${a.taken}/${a.slots}`
                        : `${a.createdBy.name} · ${formatTime(a.createdAt)}`}
                    </View>
                    <View className="muted">{a.place}</View>
                  </View>
                  <View style={{ textAlign: 'right' }}>
                    <View className="vol-points" data-testid="volunteer-row-points">
                      {a.points} 积分
                    </View>
                    <Text className={volunteerTagClass(a)} data-testid="volunteer-state">
                      {statusNameOf(a)}
                    </Text>
                  </View>
                </View>
              ))}
              {items.length >= d.page.total && <View className="muted">没有更多了</View>}
            </View>
          );
        }}
      </Guard>
    </View>
  );
}
