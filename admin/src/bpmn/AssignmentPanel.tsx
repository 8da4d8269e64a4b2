// 分配与处理程序: pickers under the properties panel for the attributes the runtime reads, so that an admin picks
// from the org's roles and people and the registered handlers instead of typing codes. It reads the selected
// element's business object and writes through bpmn-js `modeling.updateProperties`, so undo, lint and the
// properties panel (which shows the same attributes as text) all stay in step.
//   user task:    camunda:candidateGroups (roles), camunda:assignee / camunda:candidateUsers (staff user ids or
//                 ${expressions}), camunda:dueDate (quick choices, working days = ${workingDays(n)})
//   service task: camunda:type="external" + camunda:topic (GET /definitions/handlers)
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Input, Select, Space, Tag, Typography } from 'antd';
import type { RoleName, ServiceHandlerInfo, ServiceHandlerList } from '@linli/contracts';
import { api, ApiError, errorText, type Page } from '../api';
import { ROLE_LABEL } from '../session';
import './pickers.css';

/** What GET /users answers per account (contracts StaffUser, which exports no type). */
interface StaffUser {
  id: string;
  displayName: string;
  roles: { role: RoleName; orgUnitName?: string }[];
}

interface BusinessObject {
  $type: string;
  get(name: string): unknown;
}
interface Shape {
  id: string;
  type: string;
  businessObject: BusinessObject;
  labelTarget?: unknown;
}
interface ModelerLike {
  get<T>(name: string): T;
  on(event: string, callback: (e: never) => void): void;
  off(event: string, callback: (e: never) => void): void;
}
type Modeling = { updateProperties(element: Shape, props: Record<string, unknown>): void };

/** roles that work tasks (a candidate group is a role name, matched within the case's area) */
const TASK_ROLES: RoleName[] = [
  'grid_worker',
  'community_admin',
  'property_staff',
  'technician',
  'street_admin',
  'district_admin',
];

/** who the runtime can name without a person being picked: variables of every case */
const PERSON_EXPRESSIONS: { value: string; label: string }[] = [
  { value: '${initiator}', label: '发起人（${initiator}）' },
];

export const DUE_CHOICES: { value: string; label: string }[] = [
  { value: 'PT2H', label: '2 小时' },
  { value: 'PT4H', label: '4 小时' },
  { value: 'P1D', label: '1 天' },
  { value: 'P3D', label: '3 天' },
  { value: '${workingDays(1)}', label: '1 个工作日' },
  { value: '${workingDays(3)}', label: '3 个工作日' },
  { value: '${workingDays(5)}', label: '5 个工作日' },
  { value: '${workingDays(10)}', label: '10 个工作日' },
];

const isExpression = (v: string) => /^\$\{[^]+\}$/.test(v.trim());
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A comma-separated attribute as the runtime splits it: commas inside ${…} do not split. */
export function splitList(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of raw) {
    if (c === '{') depth++;
    if (c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A time limit in Chinese: 3 个工作日, 2 小时, or what kind of value it is. */
export function describeDue(value: string): string {
  const v = value.trim();
  const choice = DUE_CHOICES.find((c) => c.value === v);
  if (choice) return choice.label;
  const wd = /^\$\{\s*workingDays\(\s*(\d+)\s*\)\s*\}$/.exec(v);
  if (wd) return `${wd[1]} 个工作日`;
  const d = DURATION.exec(v);
  if (d) {
    const units: [string | undefined, string][] = [
      [d[1], '年'],
      [d[2], '个月'],
      [d[3], '周'],
      [d[4], '天'],
      [d[6], '小时'],
      [d[7], '分钟'],
      [d[8], '秒'],
    ];
    return units
      .filter(([n]) => n)
      .map(([n, unit]) => `${parseFloat(n!)} ${unit}`)
      .join(' ');
  }
  if (isExpression(v)) return `由表达式计算：${v}`;
  if (DATE_TIME.test(v)) return `固定时间：${v}`;
  return `无法识别：${v}`;
}

function useModelerSelection(modeler: ModelerLike | null): { element: Shape | null; revision: number } {
  const [element, setElement] = useState<Shape | null>(null);
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    setElement(null);
    if (!modeler) return;
    const onSelection = (e: { newSelection: Shape[] }) =>
      setElement(e.newSelection.length === 1 && !e.newSelection[0]!.labelTarget ? e.newSelection[0]! : null);
    const onChanged = () => setRevision((r) => r + 1);
    const onImport = () => setElement(null);
    modeler.on('selection.changed', onSelection as (e: never) => void);
    modeler.on('commandStack.changed', onChanged);
    modeler.on('import.done', onImport);
    return () => {
      modeler.off('selection.changed', onSelection as (e: never) => void);
      modeler.off('commandStack.changed', onChanged);
      modeler.off('import.done', onImport);
    };
  }, [modeler]);
  return { element, revision };
}

export function AssignmentPanel({ modeler }: { modeler: ModelerLike | null }) {
  const { element, revision } = useModelerSelection(modeler);
  const bo = element?.businessObject;
  const kind = bo?.$type === 'bpmn:UserTask' ? 'user' : bo?.$type === 'bpmn:ServiceTask' ? 'service' : null;

  const update = useCallback(
    (props: Record<string, unknown>) => {
      if (!modeler || !element) return;
      modeler.get<Modeling>('modeling').updateProperties(element, props);
    },
    [modeler, element],
  );

  return (
    <section className="picker-panel" id="picker-panel" aria-label="分配与处理程序">
      <Typography.Title level={5} className="picker-title">
        分配与处理程序
      </Typography.Title>
      {!element || !kind ? (
        <Typography.Text type="secondary" id="picker-hint">
          在流程图中选中一个用户任务，可从角色和人员中选择处理人、设定时限；选中一个服务任务，可选择已注册的处理程序。
        </Typography.Text>
      ) : kind === 'user' ? (
        <UserTaskPickers key={element.id} bo={bo!} revision={revision} update={update} />
      ) : (
        <ServiceTaskPicker key={element.id} bo={bo!} revision={revision} update={update} />
      )}
    </section>
  );
}

// ------------------------------------------------------------------------------------------------ user task

interface PickerProps {
  bo: BusinessObject;
  revision: number;
  update(props: Record<string, unknown>): void;
}

const attr = (bo: BusinessObject, name: string): string => {
  const v = bo.get(name);
  return typeof v === 'string' ? v : '';
};

function roleLabel(value: string): string {
  return ROLE_LABEL[value as RoleName] ?? value;
}

function personLabel(u: StaffUser): string {
  return u.displayName;
}

function personDetail(u: StaffUser): string {
  return u.roles.map((g) => `${roleLabel(g.role)}${g.orgUnitName ? ` · ${g.orgUnitName}` : ''}`).join('；');
}

/** The area's staff: one search at a time (by name), plus everyone already named, looked up by id once. */
function useStaff(named: string[]) {
  const [found, setFound] = useState<StaffUser[]>([]);
  const [known, setKnown] = useState<Map<string, StaffUser | null>>(new Map());
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const search = useCallback((q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setLoading(true);
      api<Page<StaffUser>>('/users', { query: { q: q.trim() || undefined, pageSize: 50 } })
        .then((page) => {
          setFound(page.items);
          setKnown((m) => new Map([...m, ...page.items.map((u) => [u.id, u] as const)]));
          setError(null);
        })
        .catch((err) =>
          setError(
            err instanceof ApiError && err.status === 403
              ? '没有读取人员账号的权限，只能填写表达式'
              : `人员列表加载失败：${errorText(err)}`,
          ),
        )
        .finally(() => setLoading(false));
    }, 250);
  }, []);

  useEffect(() => {
    search('');
    return () => clearTimeout(timer.current);
  }, [search]);

  // names for ids the diagram already holds but no search has shown
  const missing = named.filter((id) => UUID.test(id) && !known.has(id));
  useEffect(() => {
    for (const id of missing) {
      setKnown((m) => new Map(m).set(id, null));
      api<StaffUser>(`/users/${id}`)
        .then((u) => setKnown((m) => new Map(m).set(id, u)))
        .catch(() => undefined);
    }
  }, [missing.join(',')]);

  return { found, known, loading, error, search };
}

function UserTaskPickers({ bo, revision, update }: PickerProps) {
  const { message } = App.useApp();
  const assignee = attr(bo, 'camunda:assignee').trim();
  const candidateUsers = splitList(bo.get('camunda:candidateUsers'));
  const candidateGroups = splitList(bo.get('camunda:candidateGroups'));
  const dueDate = attr(bo, 'camunda:dueDate').trim();
  const staff = useStaff([assignee, ...candidateUsers].filter(Boolean));
  const [customDue, setCustomDue] = useState('');
  const [dueError, setDueError] = useState<string | null>(null);
  void revision; // re-read on every change of the diagram

  const personOptions = useMemo(() => {
    const options = new Map<string, { value: string; label: string; detail?: string }>();
    for (const e of PERSON_EXPRESSIONS) options.set(e.value, { value: e.value, label: e.label });
    for (const u of staff.found)
      options.set(u.id, { value: u.id, label: personLabel(u), detail: personDetail(u) });
    for (const id of [assignee, ...candidateUsers].filter(Boolean)) {
      if (options.has(id)) continue;
      const u = staff.known.get(id);
      options.set(id, {
        value: id,
        label: u ? personLabel(u) : isExpression(id) ? id : `辖区外或已删除的人员（${id.slice(0, 8)}）`,
        detail: u ? personDetail(u) : undefined,
      });
    }
    return [...options.values()];
  }, [staff.found, staff.known, assignee, candidateUsers.join(',')]);

  /** keeps user ids and ${expressions}; anything else typed is refused with a message */
  const people = (typed: string[]): string[] | null => {
    // a name typed in full that one person found has counts as picking them
    const byName = (v: string) => {
      const same = staff.found.filter((u) => u.displayName === v.trim());
      return same.length === 1 ? same[0]!.id : v.trim();
    };
    const values = [...new Set(typed.map(byName))];
    const bad = values.filter((v) => !UUID.test(v) && !isExpression(v));
    if (bad.length) {
      message.warning(`“${bad.join('、')}”不是人员：请从列表中选择，或输入表达式，如 \${initiator}`);
      return null;
    }
    return values;
  };

  const setDue = (value: string | undefined) => {
    setDueError(null);
    update({ 'camunda:dueDate': value || undefined });
  };
  const applyCustomDue = () => {
    const v = customDue.trim();
    if (!v) return;
    if (!DURATION.test(v) && !isExpression(v) && !DATE_TIME.test(v)) {
      setDueError('时限须是时长（如 P2D、PT30M）、日期时间（如 2026-12-01T17:00）或表达式（如 ${dueAt}）');
      return;
    }
    setCustomDue('');
    setDue(v);
  };

  const dueOptions = [...DUE_CHOICES];
  if (dueDate && !dueOptions.some((o) => o.value === dueDate))
    dueOptions.push({ value: dueDate, label: describeDue(dueDate) });

  const nobody = !assignee && candidateUsers.length === 0 && candidateGroups.length === 0;

  return (
    <div className="picker-fields" id="picker-user-task">
      {nobody && (
        <Alert
          type="warning"
          showIcon
          className="picker-alert"
          title="还没有人能处理这一步：请选择候选组、候选用户或处理人"
        />
      )}
      <label className="picker-label" htmlFor="picker-candidate-groups">
        候选组（角色）
      </label>
      <Select
        id="picker-candidate-groups"
        mode="tags"
        className="picker-select"
        placeholder="选择可以签收这一步的角色"
        value={candidateGroups}
        tokenSeparators={[',', '，']}
        showSearch={{ optionFilterProp: ['label', 'value'] }}
        options={TASK_ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
        optionRender={(o) => (
          <span data-value={o.value}>
            {o.label} <Typography.Text type="secondary">{o.value}</Typography.Text>
          </span>
        )}
        labelRender={(o) => roleLabel(String(o.value))}
        onChange={(typed: string[]) => {
          // a role typed by its Chinese name counts as picked
          const byLabel = (v: string) => TASK_ROLES.find((r) => ROLE_LABEL[r] === v.trim()) ?? v.trim();
          const values = [...new Set(typed.map(byLabel))];
          const bad = values.filter((v) => !TASK_ROLES.includes(v as RoleName) && !isExpression(v));
          if (bad.length) {
            message.warning(`“${bad.join('、')}”不是角色：请从列表中选择，或输入表达式，如 \${handleGroup}`);
            return;
          }
          update({ 'camunda:candidateGroups': values.join(',') || undefined });
        }}
      />
      <Typography.Text type="secondary" className="picker-help">
        按案件所在的网格或社区匹配，该角色的人员都能在待办中签收。
      </Typography.Text>

      <label className="picker-label" htmlFor="picker-candidate-users">
        候选用户
      </label>
      <Select
        id="picker-candidate-users"
        mode="tags"
        className="picker-select"
        placeholder="输入姓名查找本辖区人员"
        value={candidateUsers}
        loading={staff.loading}
        showSearch={{ filterOption: false, onSearch: staff.search }}
        options={personOptions}
        optionRender={(o) => (
          <span data-value={o.value}>
            {o.label} {o.data.detail && <Typography.Text type="secondary">{o.data.detail}</Typography.Text>}
          </span>
        )}
        notFoundContent={staff.error ?? '没有找到，换个姓名试试'}
        onChange={(values: string[]) => {
          const ok = people(values);
          if (ok) update({ 'camunda:candidateUsers': ok.join(',') || undefined });
        }}
      />

      <label className="picker-label" htmlFor="picker-assignee">
        处理人
      </label>
      <Select
        id="picker-assignee"
        mode="tags"
        className="picker-select"
        placeholder="指定一人，或选择“发起人”"
        value={assignee ? [assignee] : []}
        loading={staff.loading}
        showSearch={{ filterOption: false, onSearch: staff.search }}
        options={personOptions}
        optionRender={(o) => (
          <span data-value={o.value}>
            {o.label} {o.data.detail && <Typography.Text type="secondary">{o.data.detail}</Typography.Text>}
          </span>
        )}
        notFoundContent={staff.error ?? '没有找到，换个姓名试试'}
        onChange={(values: string[]) => {
          // one person: the last one picked replaces the one before
          const last = values.slice(-1);
          const ok = people(last);
          if (ok) update({ 'camunda:assignee': ok[0] || undefined });
        }}
      />
      {staff.error && <Typography.Text type="danger">{staff.error}</Typography.Text>}

      <label className="picker-label" htmlFor="picker-due">
        到期时间
      </label>
      <Select
        id="picker-due"
        className="picker-select"
        allowClear
        placeholder="不设时限"
        value={dueDate || undefined}
        options={dueOptions}
        optionRender={(o) => <span data-value={o.value}>{o.label}</span>}
        onChange={(v: string | undefined) => setDue(v)}
      />
      <Space.Compact className="picker-select">
        <Input
          id="picker-due-custom"
          placeholder="自定义：P7D、PT30M 或 ${dueAt}"
          value={customDue}
          status={dueError ? 'error' : undefined}
          onChange={(e) => {
            setCustomDue(e.target.value);
            setDueError(null);
          }}
          onPressEnter={applyCustomDue}
        />
        <Button id="picker-due-apply" onClick={applyCustomDue}>
          应用
        </Button>
      </Space.Compact>
      {dueError ? (
        <Typography.Text type="danger" id="picker-due-error">
          {dueError}
        </Typography.Text>
      ) : (
        <Typography.Text type="secondary" className="picker-help" id="picker-due-help">
          {dueDate ? `从任务生成时起算：${describeDue(dueDate)}。` : ''}工作日按中国法定节假日和调休计算。
        </Typography.Text>
      )}
    </div>
  );
}

// --------------------------------------------------------------------------------------------- service task

let handlerCache: Promise<ServiceHandlerInfo[]> | null = null;
function loadHandlers(): Promise<ServiceHandlerInfo[]> {
  handlerCache ??= api<ServiceHandlerList>('/definitions/handlers').then((r) => r.items);
  handlerCache.catch(() => (handlerCache = null));
  return handlerCache;
}

function ServiceTaskPicker({ bo, revision, update }: PickerProps) {
  const [handlers, setHandlers] = useState<ServiceHandlerInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  void revision;

  useEffect(() => {
    let cancelled = false;
    loadHandlers()
      .then((items) => !cancelled && setHandlers(items))
      .catch((err) => !cancelled && setError(`处理程序列表加载失败：${errorText(err)}。请刷新页面重试。`));
    return () => {
      cancelled = true;
    };
  }, []);

  const external = attr(bo, 'camunda:type') === 'external';
  const topic = external ? attr(bo, 'camunda:topic').trim() : '';
  const other = (['camunda:expression', 'camunda:delegateExpression', 'camunda:class'] as const)
    .map((name) => attr(bo, name))
    .find(Boolean);
  const chosen = handlers?.find((h) => h.name === topic);

  const groups = useMemo(() => {
    const byGroup = new Map<string, ServiceHandlerInfo[]>();
    for (const h of handlers ?? []) byGroup.set(h.group, [...(byGroup.get(h.group) ?? []), h]);
    return [...byGroup].map(([group, items]) => ({
      label: group,
      title: group,
      options: items.map((h) => ({
        value: h.name,
        label: `${h.description.split('：')[0]}（${h.name}）`,
        search: `${h.name} ${h.description} ${group}`.toLowerCase(),
        description: h.description,
      })),
    }));
  }, [handlers]);

  if (error) return <Alert type="error" showIcon title={error} id="picker-handler-error" />;

  return (
    <div className="picker-fields" id="picker-service-task">
      <label className="picker-label" htmlFor="picker-handler">
        处理程序
      </label>
      <Select
        id="picker-handler"
        className="picker-select"
        placeholder={handlers ? '选择这一步要运行的处理程序' : '正在加载处理程序…'}
        loading={!handlers}
        virtual={false}
        value={topic || undefined}
        status={topic && handlers && !chosen ? 'error' : undefined}
        showSearch={{
          filterOption: (input, option) =>
            String((option as { search?: string } | undefined)?.search ?? '').includes(input.toLowerCase()),
        }}
        options={groups}
        optionRender={(o) => {
          const text = (o.data as { description?: string }).description ?? '';
          const cut = text.indexOf('：');
          return (
            <span className="picker-handler-option" data-value={o.value}>
              <span>
                <strong>{cut > 0 ? text.slice(0, cut) : text}</strong>{' '}
                <Typography.Text type="secondary">{String(o.value)}</Typography.Text>
              </span>
              {cut > 0 && <Typography.Text type="secondary">{text.slice(cut + 1)}</Typography.Text>}
            </span>
          );
        }}
        notFoundContent="没有匹配的处理程序"
        onChange={(name: string) =>
          update({
            'camunda:type': 'external',
            'camunda:topic': name,
            'camunda:expression': undefined,
            'camunda:delegateExpression': undefined,
            'camunda:class': undefined,
            'camunda:resultVariable': undefined,
          })
        }
      />
      {chosen ? (
        <div className="picker-handler-detail" id="picker-handler-detail">
          <Typography.Text>{chosen.description}</Typography.Text>
          {chosen.inputs.length > 0 && (
            <div className="picker-inputs">
              <Typography.Text type="secondary">读取的输入参数（在上方「输入参数」中填写）：</Typography.Text>
              {chosen.inputs.map((i) => (
                <Tag key={i}>{i}</Tag>
              ))}
            </div>
          )}
        </div>
      ) : topic && handlers ? (
        <Alert
          type="error"
          showIcon
          className="picker-alert"
          id="picker-handler-unknown"
          title={`“${topic}”不是已注册的处理程序，服务器不会接受部署：请从列表中选择`}
        />
      ) : other ? (
        <Alert
          type="info"
          showIcon
          className="picker-alert"
          title={`当前由表达式或类实现（${other}）；选择处理程序后改为外部任务`}
        />
      ) : (
        <Typography.Text type="secondary" className="picker-help">
          服务任务由服务器上注册的处理程序执行；选择后写入 camunda:topic。
        </Typography.Text>
      )}
    </div>
  );
}
