// 首页, by role: residents see their rooms, shortcuts, open repairs and latest messages; staff see the counts
// of their task inbox and (technicians) their open repair jobs.
import { useCallback } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { NotificationItem, Repair } from '@linli/contracts';
import {
  alertsApi,
  BINDING_STATUS_NAMES,
  hasRole,
  isOpen,
  isPatrolWorker,
  isStaff,
  loadSession,
  mayHandleAlerts,
  notifications,
  people,
  refreshMe,
  repairs,
  shortAddress,
  STATUS_NAMES,
  tasks,
  VIEW_NAMES,
  type Binding,
  type TaskView,
} from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { NoticesCard } from '../../components/notices-card';
import {
  ALERTS_PAGE,
  BINDINGS_PAGE,
  APPROVAL_LIST,
  DISPATCH_PAGE,
  DISPUTE_LIST,
  EVENT_LIST,
  EVENT_REPORT,
  GRID_PAGE,
  LOGIN_PAGE,
  REPAIR_LIST,
  REPAIR_REPORT,
  repairDetail,
  TASKS_PAGE,
  VOLUNTEER_HOME,
  volunteerReview,
} from '../../routes';
import { openLink } from '../messages/open-link';

interface ResidentHome {
  kind: 'resident';
  name: string;
  rooms: Binding[];
  open: Repair[];
  latest: NotificationItem[];
}
interface StaffHome {
  kind: 'staff';
  name: string;
  counts: Record<TaskView, number>;
  jobs: Repair[];
  /** open alerts waiting to be acknowledged; null when this person does not handle alerts */
  alerts: number | null;
  /** grid workers report by patrol (随手拍) */
  patrol: boolean;
  latest: NotificationItem[];
}

async function loadHome(): Promise<ResidentHome | StaffHome | null> {
  if (!loadSession()) {
    await Taro.reLaunch({ url: LOGIN_PAGE });
    return null;
  }
  const me = await refreshMe();
  const latest = (await notifications.list(1)).items.slice(0, 3);
  if (isStaff(me)) {
    const [counts, jobs, alerts] = await Promise.all([
      tasks.counts(),
      hasRole(me, 'technician') ? repairs.list('assigned') : Promise.resolve({ items: [] as Repair[] }),
      mayHandleAlerts(me) ? alertsApi.pendingCount().catch(() => 0) : Promise.resolve(null),
    ]);
    return {
      kind: 'staff',
      name: me.displayName,
      counts,
      jobs: jobs.items.filter(isOpen),
      alerts,
      patrol: isPatrolWorker(me),
      latest,
    };
  }
  // a first sign-in has no resident record yet, so no repairs to list (the server would refuse the list)
  const [rooms, mine] = await Promise.all([
    people.myBindings(me),
    me.residentId ? repairs.list('mine') : Promise.resolve({ items: [] as Repair[] }),
  ]);
  return { kind: 'resident', name: me.displayName, rooms, open: mine.items.filter(isOpen), latest };
}

function Shortcut({ id, icon, text, url }: { id: string; icon: string; text: string; url: string }) {
  return (
    <View className="grid-item" id={id} onClick={() => Taro.navigateTo({ url })}>
      <View className="grid-icon">{icon}</View>
      <Text>{text}</Text>
    </View>
  );
}

function RepairRow({ r }: { r: Repair }) {
  return (
    <View
      className="row"
      data-testid="repair-row"
      onClick={() => Taro.navigateTo({ url: repairDetail(r.id) })}
    >
      <View className="row-main">
        <View className="row-title">
          {r.categoryName} · {r.description}
        </View>
        <View className="muted">
          {r.number} · {formatTime(r.createdAt)}
        </View>
      </View>
      <Text className="tag">{STATUS_NAMES[r.status]}</Text>
    </View>
  );
}

function Latest({ items }: { items: NotificationItem[] }) {
  return (
    <View className="card">
      <View className="card-title">最新消息</View>
      {items.length === 0 && <View className="muted">暂无消息</View>}
      {items.map((n) => (
        <View key={n.id} className="row" onClick={() => openLink(n)}>
          <View className="row-main">
            <View className={`row-title ${n.readAt ? '' : 'unread'}`}>{n.title}</View>
            <View className="muted">{formatTime(n.createdAt)}</View>
          </View>
        </View>
      ))}
    </View>
  );
}

export default function Home() {
  const load = useCallback(loadHome, []);
  const [state, reload] = useLoader(load);
  return (
    <View className="page" data-testid="home">
      <Guard state={state} onRetry={reload}>
        {(home) =>
          !home ? null : home.kind === 'resident' ? (
            <>
              <View className="card">
                <View className="card-title">您好，{home.name}</View>
                {home.rooms.length === 0 ? (
                  <View
                    className="muted"
                    id="go-bind-room"
                    onClick={() => Taro.navigateTo({ url: BINDINGS_PAGE })}
                  >
                    您还没有绑定房屋，绑定后可以报修、办事。<Text style={{ color: '#1a7f5a' }}>去绑定 ›</Text>
                  </View>
                ) : (
                  home.rooms.map((b) => (
                    <View key={b.id} className="muted" data-testid="room">
                      {shortAddress(b.standardAddress)}（{BINDING_STATUS_NAMES[b.status]}）
                    </View>
                  ))
                )}
              </View>
              <View className="card grid">
                <Shortcut id="go-report" icon="修" text="我要报修" url={REPAIR_REPORT} />
                <Shortcut id="go-repairs" icon="单" text="我的报修" url={REPAIR_LIST} />
                <Shortcut id="go-event-report" icon="报" text="问题上报" url={EVENT_REPORT} />
                <Shortcut id="go-events" icon="录" text="我的上报" url={EVENT_LIST} />
                <Shortcut id="go-disputes" icon="调" text="邻里调解" url={DISPUTE_LIST} />
                <Shortcut id="go-volunteer" icon="志" text="志愿" url={VOLUNTEER_HOME} />
                <Shortcut id="go-approvals" icon="办" text="办事" url={APPROVAL_LIST} />
              </View>
              <NoticesCard />
              <View className="card">
                <View className="card-title">进行中的报修</View>
                {home.open.length === 0 ? (
                  <Empty text="暂无进行中的报修" />
                ) : (
                  home.open.map((r) => <RepairRow key={r.id} r={r} />)
                )}
              </View>
              <Latest items={home.latest} />
            </>
          ) : (
            <>
              <View className="card">
                <View className="card-title">您好，{home.name}</View>
                <View className="counts">
                  {(['assigned', 'candidate', 'done'] as TaskView[]).map((v) => (
                    <View
                      key={v}
                      className="count"
                      id={`count-${v}`}
                      onClick={() => Taro.navigateTo({ url: `${TASKS_PAGE}?view=${v}` })}
                    >
                      <View className="count-number">{home.counts[v]}</View>
                      <View className="muted">{VIEW_NAMES[v]}</View>
                    </View>
                  ))}
                </View>
              </View>
              <NoticesCard />
              {home.alerts !== null && (
                <View className="card grid">
                  <View
                    className="grid-item"
                    id="go-alerts"
                    onClick={() => Taro.navigateTo({ url: ALERTS_PAGE })}
                  >
                    <View className="grid-icon" style={{ position: 'relative' }}>
                      警
                      {home.alerts > 0 && (
                        <Text
                          className="badge"
                          data-testid="alerts-badge"
                          style={{ position: 'absolute', top: '-8px', right: '-16px' }}
                        >
                          {home.alerts > 99 ? '99+' : home.alerts}
                        </Text>
                      )}
                    </View>
                    <Text>告警处置</Text>
                  </View>
                </View>
              )}
              {home.patrol && (
                <View className="card grid">
                  <Shortcut id="go-patrol" icon="拍" text="随手拍" url={EVENT_REPORT} />
                  <Shortcut id="go-events" icon="录" text="我的上报" url={EVENT_LIST} />
                  <Shortcut id="go-grid" icon="格" text="我的网格" url={GRID_PAGE} />
                  {/* the community's side of mediation and volunteer service (调解办理, 志愿服务管理) */}
                  <Shortcut id="go-disputes" icon="调" text="调解案件" url={DISPUTE_LIST} />
                  <Shortcut id="go-volunteer-review" icon="志" text="志愿管理" url={volunteerReview()} />
                </View>
              )}
              {hasRole(loadSession()?.user ?? null, 'property_staff') && (
                <View className="card grid">
                  <Shortcut id="go-dispatch" icon="派" text="派单台" url={DISPATCH_PAGE} />
                </View>
              )}
              {home.jobs.length > 0 && (
                <View className="card">
                  <View className="card-title">我的维修工单</View>
                  {home.jobs.map((r) => (
                    <RepairRow key={r.id} r={r} />
                  ))}
                </View>
              )}
              <Latest items={home.latest} />
            </>
          )
        }
      </Guard>
    </View>
  );
}
