// 待办 (staff): my task inbox by view (to do, to claim, copied to me, done) with counts and due badges.
import { useCallback, useState } from 'react';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Task } from '@linli/contracts';
import { PROCESS_NAMES, tasks, VIEW_NAMES, type Page, type TaskView } from '../../services';
import { Empty, formatTime, Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { taskPage } from '../../routes';

const VIEWS: TaskView[] = ['assigned', 'candidate', 'cc', 'done'];

function Due({ t }: { t: Task }) {
  if (!t.dueAt || t.status !== 'open') return null;
  const left = Date.parse(t.dueAt) - Date.now();
  if (left < 0) return <Text className="tag tag-warn">已超时</Text>;
  if (left < 24 * 3600_000) return <Text className="tag tag-warn">{formatTime(t.dueAt)} 前</Text>;
  return <Text className="tag">{formatTime(t.dueAt)} 前</Text>;
}

interface Inbox {
  page: Page<Task>;
  counts: Record<TaskView, number>;
}

export default function Tasks() {
  const { params } = useRouter();
  const [view, setView] = useState<TaskView>(
    VIEWS.includes(params.view as TaskView) ? (params.view as TaskView) : 'assigned',
  );
  const [more, setMore] = useState<Task[]>([]);
  const [pageNo, setPageNo] = useState(1);
  const load = useCallback(async (): Promise<Inbox> => {
    setMore([]);
    setPageNo(1);
    const [page, counts] = await Promise.all([tasks.list(view), tasks.counts()]);
    return { page, counts };
  }, [view]);
  const [state, reload] = useLoader(load);

  const choose = (v: TaskView) => {
    setView(v);
    // useLoader reloads on show; a tab change reloads here
    setTimeout(() => void reload(), 0);
  };

  useReachBottom(() => {
    const d = state.data;
    if (!d || d.page.items.length + more.length >= d.page.total) return;
    tasks
      .list(view, pageNo + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPageNo(pageNo + 1);
      })
      .catch(toastError);
  });

  return (
    <View className="page" data-testid="tasks">
      <View className="tabs">
        {VIEWS.map((v) => (
          <View
            key={v}
            id={`view-${v}`}
            className={`tab ${v === view ? 'tab-on' : ''}`}
            onClick={() => choose(v)}
          >
            {VIEW_NAMES[v]}
            {state.data ? ` ${state.data.counts[v]}` : ''}
          </View>
        ))}
      </View>
      <Guard state={state} onRetry={reload}>
        {(d) => {
          const items = [...d.page.items, ...more];
          if (!items.length) return <Empty text={`暂无${VIEW_NAMES[view]}事项`} />;
          return (
            <View className="card">
              {items.map((t) => (
                <View
                  key={t.id}
                  className="row"
                  data-testid="task-row"
                  onClick={() => Taro.navigateTo({ url: taskPage(t.id) })}
                >
                  <View className="row-main">
                    <View className="row-title">{t.name ?? t.activityId}</View>
                    <View className="muted">
                      {PROCESS_NAMES[t.processId] ?? t.processId} · {formatTime(t.createdAt)}
                    </View>
                  </View>
                  <Due t={t} />
                </View>
              ))}
            </View>
          );
        }}
      </Guard>
    </View>
  );
}
