// 待办 (staff): my task inbox by view (to do, to claim, copied to me, done) with counts and due badges.
import { useCallback, useEffect, useRef, useState } from 'react';
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

/** names of admin-designed processes, looked up once per session (the bundled ones are in PROCESS_NAMES) */
const designedNames = new Map<string, string>();
async function nameProcesses(items: Task[]): Promise<void> {
  const unknown = [...new Set(items.map((t) => t.processId))].filter(
    (id) => !PROCESS_NAMES[id] && !designedNames.has(id),
  );
  await Promise.all(
    unknown.map(async (id) => designedNames.set(id, await tasks.processName(id).catch(() => id))),
  );
}
const processNameOf = (id: string) => PROCESS_NAMES[id] ?? designedNames.get(id) ?? id;

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
    await nameProcesses(page.items);
    return { page, counts };
  }, [view]);
  const [state, reload] = useLoader(load);

  // useLoader loads on show; a tab change loads the new view here (reload is made anew with each view)
  const shown = useRef(false);
  useEffect(() => {
    if (shown.current) void reload();
    shown.current = true;
  }, [reload]);

  useReachBottom(() => {
    const d = state.data;
    if (!d || d.page.items.length + more.length >= d.page.total) return;
    tasks
      .list(view, pageNo + 1)
      .then(async (p) => {
        await nameProcesses(p.items);
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
            onClick={() => setView(v)}
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
                      {processNameOf(t.processId)} · {formatTime(t.createdAt)}
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
