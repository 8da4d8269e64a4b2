// 房屋管理: the standard address tree of the scope being looked at (社区 › 小区 › 楼栋 › 单元 › 房屋, GET /compounds,
// /buildings, /units, /rooms), loaded level by level with the number of buildings, units and rooms per node, and a
// search of rooms by their address text within the scope's compounds. Community admins (the server's `compounds`
// create) add and rename compounds, buildings and units, add rooms and move a building to another grid of its
// community (PATCH /buildings/:id gridId: its rooms, bindings and residents follow); staff who may update rooms
// (grid workers, property staff, admins) change a room's floor, area, usage and occupancy. A room's drawer shows its
// address, grid and households (GET /household-bindings?roomId= with the masked phone and ID number of
// GET /residents?roomId=), adds a binding for a registered resident (POST /household-bindings) and verifies,
// rejects or ends one (POST /household-bindings/:id/review). Buttons follow `can()`; the server refuses anyway.
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tree,
  Typography,
} from 'antd';
import {
  EditOutlined,
  PlusOutlined,
  ReloadOutlined,
  SwapOutlined,
  UploadOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { OrgUnit, Resident } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { useSession } from '../session';
import { BINDING_STATUS, OCCUPANCY, RELATION, ROOM_USAGE } from '../labels';
import { problemsOf, problemText, scopeCommunityId, useScopeUnits } from '../org-scope';
import { STATUS_COLOR, reviewError, type Binding } from './BindingsPage';

/** What the API answers (contracts address.ts, which exports no types). */
interface Compound {
  id: string;
  communityId: string;
  propertyCompanyId: string | null;
  name: string;
  standardAddress: string;
}
interface Building {
  id: string;
  compoundId: string;
  gridId: string;
  name: string;
  floors: number | null;
  standardAddress: string;
}
interface Unit {
  id: string;
  buildingId: string;
  name: string;
  standardAddress: string;
}
interface Room {
  id: string;
  unitId: string;
  buildingId: string;
  compoundId: string;
  gridId: string;
  number: string;
  floor: number | null;
  standardAddress: string;
  /** staff of the room's grid only */
  areaM2?: number | null;
  usage?: string;
  occupancy?: string;
}

type Level = 'community' | 'compound' | 'building' | 'unit' | 'room';
const LEVEL_LABEL: Record<Level, string> = {
  community: '社区',
  compound: '小区',
  building: '楼栋',
  unit: '单元',
  room: '房屋',
};
const LEVEL_COLOR: Record<Level, string> = {
  community: 'blue',
  compound: 'geekblue',
  building: 'purple',
  unit: 'cyan',
  room: 'default',
};
const CHILD: Partial<Record<Level, Level>> = {
  community: 'compound',
  compound: 'building',
  building: 'unit',
  unit: 'room',
};

interface AddrNode {
  key: string;
  level: Level;
  id: string;
  name: string;
  address: string;
  /** 8 栋 · 312 间 */
  counts?: string;
  /** the community a compound is in; the compound, grid and floors of a building */
  communityId?: string;
  compoundId?: string;
  gridId?: string;
  floors?: number | null;
  room?: Room;
}

const ROOT = 'root';
const byName = (a: AddrNode, b: AddrNode) => a.name.localeCompare(b.name, 'zh-CN', { numeric: true });
/** The address within the community (the province…community prefix is the same on every row). */
const local = (address: string) => address.replace(/^.*?社区(?=.)/, '');

async function listAll<T>(path: string, query: Record<string, string | undefined>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const r = await api<Page<T>>(path, { query: { ...query, page, pageSize: 200 } });
    out.push(...r.items);
    if (r.items.length === 0 || out.length >= r.total) return out;
  }
}
const countOf = (path: string, query: Record<string, string | undefined>) =>
  api<Page<unknown>>(path, { query: { ...query, pageSize: 1 } }).then((r) => r.total);

const FIELD: Record<string, string> = {
  name: '名称',
  number: '房号',
  floors: '层数',
  floor: '楼层',
  areaM2: '面积',
  usage: '用途',
  occupancy: '居住状态',
  gridId: '网格',
  residentId: '居民',
  relation: '关系',
};

/** The server's errors for the address forms in Chinese; unknown ones a Chinese line with the server's words. */
export function addressError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const problems = problemsOf(err.details);
  if (err.status === 400 && problems.length > 0)
    return problems.map((p) => `${FIELD[p.path] ?? p.path}：${problemText(p.message)}`).join('；');
  const known: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^A compound with this name already exists/, () => '本社区已有同名小区'],
    [/^A building with this name already exists/, () => '该小区已有同名楼栋'],
    [/^A unit with this name already exists/, () => '该楼栋已有同名单元'],
    [/^This unit already has a room with this number/, () => '该单元已有此房号'],
    [/^A room with this standard address already exists/, () => '已有相同标准地址的房屋'],
    [/^Grid (.+) is not in the community of compound (.+)$/, (m) => `${m[1]}不属于${m[2]}所在的社区`],
    [/^This resident is already bound to this room/, () => '该居民已绑定此房屋（待核验或已核验）'],
    [/^The resident is registered in another community/, () => '该居民登记在其他社区，不能绑定本社区的房屋'],
  ];
  for (const [pattern, text] of known) {
    const m = pattern.exec(err.message);
    if (m) return text(m);
  }
  if (err.status === 403) return `没有权限（${err.message}）`;
  if (err.status === 404) return `记录不存在（${err.message}）`;
  return `操作失败（${err.message}）`;
}

type Editing =
  | { mode: 'create'; level: Exclude<Level, 'community'>; parent: AddrNode }
  | { mode: 'edit'; node: AddrNode }
  | { mode: 'move'; node: AddrNode };

export function AddressesPage() {
  const { message } = App.useApp();
  const { user, scope, can } = useSession();
  const navigate = useNavigate();
  const { units, allById, root, loading: unitsLoading, error: unitsError } = useScopeUnits();
  const [search, setSearch] = useSearchParams();
  const manage = can('addresses.manage');
  const roomId = search.get('room') || null;

  const [kids, setKids] = useState<Record<string, AddrNode[]>>({});
  const [expanded, setExpanded] = useState<string[]>([]);
  const [selected, setSelected] = useState<AddrNode | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Room[] | null>(null);
  const [searching, setSearching] = useState(false);

  // a grid worker's scope is one grid: its community's compounds, only the buildings in that grid
  const scopeUnit = allById.get(user?.roles[scope]?.orgUnitId ?? '');
  const gridScope = scopeUnit?.kind === 'grid' ? scopeUnit.id : undefined;
  const communityId = scopeCommunityId(user, scope, allById);
  const communities = useMemo(() => units.filter((u) => u.kind === 'community'), [units]);

  const fetchChildren = useCallback(
    async (key: string, node?: AddrNode): Promise<AddrNode[]> => {
      if (key === ROOT) {
        if (!communityId) {
          return Promise.all(
            communities.map(async (c) => ({
              key: `community:${c.id}`,
              level: 'community' as const,
              id: c.id,
              name: c.name,
              address: c.name,
              counts: `${await countOf('/compounds', { communityId: c.id })} 个小区`,
            })),
          ).then((list) => list.sort(byName));
        }
        return fetchChildren(`community:${communityId}`, {
          key: `community:${communityId}`,
          level: 'community',
          id: communityId,
          name: allById.get(communityId)?.name ?? '',
          address: '',
        });
      }
      if (!node) return [];
      if (node.level === 'community') {
        const list = await listAll<Compound>('/compounds', { communityId: node.id });
        const nodes = await Promise.all(
          list.map(async (c) => {
            const [b, r] = await Promise.all([
              countOf('/buildings', { compoundId: c.id, gridId: gridScope }),
              countOf('/rooms', { compoundId: c.id, gridId: gridScope }),
            ]);
            return {
              key: `compound:${c.id}`,
              level: 'compound' as const,
              id: c.id,
              name: c.name,
              address: c.standardAddress,
              communityId: c.communityId,
              counts: `${b} 栋 · ${r} 间`,
              buildings: b,
            };
          }),
        );
        return nodes
          .filter((n) => !gridScope || n.buildings > 0)
          .map(({ buildings: _b, ...n }) => n)
          .sort(byName);
      }
      if (node.level === 'compound') {
        const list = await listAll<Building>('/buildings', { compoundId: node.id, gridId: gridScope });
        return Promise.all(
          list.map(async (b) => {
            const [u, r] = await Promise.all([
              countOf('/units', { buildingId: b.id }),
              countOf('/rooms', { buildingId: b.id }),
            ]);
            return {
              key: `building:${b.id}`,
              level: 'building' as const,
              id: b.id,
              name: b.name,
              address: b.standardAddress,
              communityId: node.communityId,
              compoundId: b.compoundId,
              gridId: b.gridId,
              floors: b.floors,
              counts: `${u} 个单元 · ${r} 间`,
            };
          }),
        ).then((l) => l.sort(byName));
      }
      if (node.level === 'building') {
        const list = await listAll<Unit>('/units', { buildingId: node.id });
        return Promise.all(
          list.map(async (u) => ({
            key: `unit:${u.id}`,
            level: 'unit' as const,
            id: u.id,
            name: u.name,
            address: u.standardAddress,
            gridId: node.gridId,
            counts: `${await countOf('/rooms', { unitId: u.id })} 间`,
          })),
        ).then((l) => l.sort(byName));
      }
      if (node.level === 'unit') {
        const list = await listAll<Room>('/rooms', { unitId: node.id });
        return list
          .map((r) => ({
            key: `room:${r.id}`,
            level: 'room' as const,
            id: r.id,
            name: `${r.number}室`,
            address: r.standardAddress,
            gridId: r.gridId,
            room: r,
          }))
          .sort(byName);
      }
      return [];
    },
    [communityId, communities, allById, gridScope],
  );

  /** (Re)loads the children of a node (the levels below them stay as loaded). */
  const load = useCallback(
    async (key: string, node?: AddrNode) => {
      try {
        const list = await fetchChildren(key, node);
        setKids((prev) => ({ ...prev, [key]: list }));
        setLoadError(null);
      } catch (err) {
        setLoadError(addressError(err));
      }
    },
    [fetchChildren],
  );
  /** Drops what is loaded below a node (after a rename or a move their addresses and grids change). */
  const forget = useCallback((key: string) => {
    setKids((prev) => {
      const stale = new Set<string>([key]);
      const walk = (k: string) => (prev[k] ?? []).forEach((c) => (stale.add(c.key), walk(c.key)));
      walk(key);
      return Object.fromEntries(Object.entries(prev).filter(([k]) => !stale.has(k)));
    });
    setExpanded((e) => e.filter((k) => k !== key));
  }, []);

  useEffect(() => {
    if (unitsLoading || !user) return;
    setKids({});
    setExpanded([]);
    setSelected(null);
    setResults(null);
    void load(ROOT);
  }, [unitsLoading, user, scope, load]);

  const parentOf = useCallback(
    (key: string): string | undefined => Object.keys(kids).find((k) => kids[k]!.some((c) => c.key === key)),
    [kids],
  );
  const findNode = useCallback(
    (key: string): AddrNode | undefined =>
      Object.values(kids)
        .flat()
        .find((n) => n.key === key),
    [kids],
  );

  /** after a change: the parent's list again (counts and names), and the selection follows the new record */
  const refreshAround = async (key: string | undefined) => {
    if (!key) return load(ROOT);
    // the node's own list and the lists above it: names and counts change up the tree
    for (let k = parentOf(key); k; k = k === ROOT ? undefined : parentOf(k)) await load(k, findNode(k));
  };
  // the selected node as the tree knows it now (its counts and name after a reload)
  const current = selected ? (findNode(selected.key) ?? selected) : null;

  const runSearch = async (text: string) => {
    const q = text.trim();
    setQuery(text);
    if (!q) return setResults(null);
    setSearching(true);
    try {
      // rooms are a public directory: search within the scope's compounds, not every community's
      const compoundIds = communityId
        ? (kids[ROOT] ?? []).map((c) => c.id)
        : (
            await Promise.all(communities.map((c) => listAll<Compound>('/compounds', { communityId: c.id })))
          ).flatMap((l) => l.map((c) => c.id));
      const pages = await Promise.all(
        compoundIds.map((id) =>
          api<Page<Room>>('/rooms', { query: { compoundId: id, gridId: gridScope, q, pageSize: 50 } }),
        ),
      );
      setResults(pages.flatMap((p) => p.items));
    } catch (err) {
      message.error(addressError(err));
    } finally {
      setSearching(false);
    }
  };

  const treeData = useMemo(() => {
    const build = (key: string): unknown[] =>
      (kids[key] ?? []).map((n) => ({
        key: n.key,
        isLeaf: n.level === 'room',
        title: (
          <span className="address-node" data-testid={`address-node-${n.id}`}>
            {n.level !== 'room' && (
              <Tag color={LEVEL_COLOR[n.level]} style={{ marginInlineEnd: 6 }}>
                {LEVEL_LABEL[n.level]}
              </Tag>
            )}
            <span className="address-node-name">{n.name}</span>
            {n.counts && (
              <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                {n.counts}
              </Typography.Text>
            )}
          </span>
        ),
        children: kids[n.key] ? build(n.key) : undefined,
      }));
    return build(ROOT);
  }, [kids]);

  const openRoom = (id: string) => {
    const next = new URLSearchParams(search);
    next.set('room', id);
    setSearch(next);
  };

  return (
    <Card
      title="房屋管理"
      extra={
        <Space>
          {can('imports.create') && (
            <Button
              id="addresses-import"
              icon={<UploadOutlined />}
              onClick={() => navigate('/org-units/import-rooms')}
            >
              导入房屋
            </Button>
          )}
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setSelected(null);
              setExpanded([]);
              setKids({});
              void load(ROOT);
            }}
          >
            刷新
          </Button>
        </Space>
      }
    >
      {(unitsError || loadError) && (
        <Alert
          type="error"
          showIcon
          title="房屋数据加载失败"
          description={loadError ?? addressError(unitsError)}
          style={{ marginBottom: 16 }}
        />
      )}
      {!manage && (
        <Typography.Paragraph type="secondary" id="addresses-readonly">
          此角色只能查看本辖区的小区、楼栋和房屋；新增和改名由社区管理员办理。
        </Typography.Paragraph>
      )}
      <Input.Search
        id="address-search"
        allowClear
        enterButton="搜索房屋"
        placeholder="按地址搜索房屋，如：3号楼2单元 或 501"
        style={{ maxWidth: 520, marginBottom: 16 }}
        value={query}
        loading={searching}
        onChange={(e) => {
          setQuery(e.target.value);
          if (!e.target.value) setResults(null);
        }}
        onSearch={(v) => void runSearch(v)}
      />
      {results && (
        <Table<Room>
          id="address-search-results"
          size="small"
          rowKey="id"
          style={{ marginBottom: 16 }}
          dataSource={results}
          pagination={{ pageSize: 10, showSizeChanger: false, showTotal: (t) => `找到 ${t} 间房屋` }}
          locale={{ emptyText: <Empty description="辖区内没有地址含此文字的房屋" /> }}
          onRow={(r) => ({ onClick: () => openRoom(r.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: '房屋地址', dataIndex: 'standardAddress', render: (v: string) => local(v) },
            { title: '网格', dataIndex: 'gridId', width: 140, render: (v: string) => allById.get(v)?.name },
            { title: '楼层', dataIndex: 'floor', width: 80, render: (v: number | null) => v ?? '—' },
          ]}
        />
      )}
      <Row gutter={24}>
        <Col span={10}>
          <Card
            size="small"
            title={root ? `${root.name} 辖区房屋` : '辖区房屋'}
            id="address-tree-card"
            extra={
              manage &&
              communityId && (
                <Button
                  id="address-add-compound"
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() =>
                    setEditing({
                      mode: 'create',
                      level: 'compound',
                      parent: {
                        key: ROOT,
                        level: 'community',
                        id: communityId,
                        name: allById.get(communityId)?.name ?? '本社区',
                        address: '',
                      },
                    })
                  }
                >
                  新增小区
                </Button>
              )
            }
          >
            {!kids[ROOT] ? (
              <Spin />
            ) : kids[ROOT].length === 0 ? (
              <Empty description="当前管辖范围下还没有登记小区" />
            ) : (
              <div id="address-tree">
                <Tree
                  blockNode
                  showLine
                  treeData={treeData as never}
                  expandedKeys={expanded}
                  loadedKeys={Object.keys(kids)}
                  onExpand={(keys) => setExpanded(keys as string[])}
                  loadData={async ({ key }) => {
                    const node = findNode(key as string);
                    if (node && !kids[node.key]) await load(node.key, node);
                  }}
                  selectedKeys={current ? [current.key] : []}
                  onSelect={(keys) => {
                    const node = findNode(keys[0] as string);
                    if (!node) return;
                    setSelected(node);
                    if (node.level === 'room') openRoom(node.id);
                    // a unit's rooms are listed in the detail panel
                    if (node.level === 'unit' && !kids[node.key]) void load(node.key, node);
                  }}
                />
              </div>
            )}
          </Card>
        </Col>
        <Col span={14}>
          {current && current.level !== 'room' ? (
            <NodeDetail
              node={current}
              rooms={current.level === 'unit' ? kids[current.key] : undefined}
              gridName={(id) => allById.get(id ?? '')?.name}
              manage={manage}
              onCreate={(level, parent) => setEditing({ mode: 'create', level, parent })}
              onEdit={(node) => setEditing({ mode: 'edit', node })}
              onMove={(node) => setEditing({ mode: 'move', node })}
              onOpenRoom={openRoom}
            />
          ) : (
            <Card size="small">
              <Empty description="在左侧选择小区、楼栋或单元查看详情；点击房屋查看住户" />
            </Card>
          )}
        </Col>
      </Row>
      <AddressModal
        editing={editing}
        grids={units}
        onClose={() => setEditing(null)}
        onSaved={async (text) => {
          message.success(text);
          const was = editing;
          setEditing(null);
          if (was?.mode === 'create') {
            // the new record's parent: its list again (and the counts above it), opened so the new one shows
            await load(was.parent.key, was.parent);
            await refreshAround(was.parent.key);
            setExpanded((e) => [...new Set([...e, was.parent.key])]);
          } else if (was) {
            forget(was.node.key);
            await refreshAround(was.node.key);
          }
        }}
      />
      <RoomDrawer
        roomId={roomId}
        gridName={(id) => allById.get(id ?? '')?.name}
        communityId={communityId}
        onClose={() => {
          const next = new URLSearchParams(search);
          next.delete('room');
          setSearch(next);
        }}
        onChanged={(room) => {
          const unitKey = `unit:${room.unitId}`;
          if (kids[unitKey]) void load(unitKey, findNode(unitKey));
        }}
      />
    </Card>
  );
}

function NodeDetail({
  node,
  rooms,
  gridName,
  manage,
  onCreate,
  onEdit,
  onMove,
  onOpenRoom,
}: {
  node: AddrNode;
  rooms: AddrNode[] | undefined;
  gridName: (id: string | undefined) => string | undefined;
  manage: boolean;
  onCreate: (level: Exclude<Level, 'community'>, parent: AddrNode) => void;
  onEdit: (node: AddrNode) => void;
  onMove: (node: AddrNode) => void;
  onOpenRoom: (id: string) => void;
}) {
  const child = CHILD[node.level] as Exclude<Level, 'community'> | undefined;

  return (
    <Card
      size="small"
      id="address-detail"
      title={
        <Space>
          <Tag color={LEVEL_COLOR[node.level]}>{LEVEL_LABEL[node.level]}</Tag>
          <span id="address-detail-name">{node.name}</span>
        </Space>
      }
      extra={
        manage && (
          <Space>
            {child && (
              <Button id="address-add-child" icon={<PlusOutlined />} onClick={() => onCreate(child, node)}>
                新增{LEVEL_LABEL[child]}
              </Button>
            )}
            {node.level === 'building' && (
              <Button id="address-move" icon={<SwapOutlined />} onClick={() => onMove(node)}>
                调整网格
              </Button>
            )}
            {node.level !== 'community' && (
              <Button id="address-edit" type="primary" icon={<EditOutlined />} onClick={() => onEdit(node)}>
                {node.level === 'building' ? '编辑' : '改名'}
              </Button>
            )}
          </Space>
        )
      }
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'name', label: '名称', children: node.name },
          ...(node.level !== 'community'
            ? [
                {
                  key: 'address',
                  label: '标准地址',
                  children: <span id="address-detail-address">{node.address}</span>,
                },
              ]
            : []),
          ...(node.level === 'building'
            ? [
                {
                  key: 'grid',
                  label: '所属网格',
                  children: <span id="address-detail-grid">{gridName(node.gridId) ?? '—'}</span>,
                },
                { key: 'floors', label: '层数', children: node.floors ? `${node.floors} 层` : '—' },
              ]
            : []),
          ...(node.counts ? [{ key: 'counts', label: '数量', children: node.counts }] : []),
        ]}
      />
      {node.level === 'unit' && (
        <Table<AddrNode>
          id="address-rooms"
          size="small"
          rowKey="key"
          style={{ marginTop: 16 }}
          loading={!rooms}
          dataSource={rooms ?? []}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description="该单元还没有登记房屋" /> }}
          onRow={(r) => ({ onClick: () => onOpenRoom(r.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: '房号', dataIndex: 'name', width: 90 },
            { title: '楼层', key: 'floor', width: 70, render: (_: unknown, r) => r.room?.floor ?? '—' },
            {
              title: '面积',
              key: 'area',
              width: 100,
              render: (_: unknown, r) => (r.room?.areaM2 != null ? `${r.room.areaM2} ㎡` : '—'),
            },
            {
              title: '用途',
              key: 'usage',
              width: 80,
              render: (_: unknown, r) => (r.room?.usage ? (ROOM_USAGE[r.room.usage] ?? r.room.usage) : '—'),
            },
            {
              title: '居住状态',
              key: 'occupancy',
              render: (_: unknown, r) =>
                r.room?.occupancy ? (OCCUPANCY[r.room.occupancy] ?? r.room.occupancy) : '—',
            },
          ]}
        />
      )}
    </Card>
  );
}

interface FormValues {
  name?: string;
  number?: string;
  floors?: number | null;
  floor?: number | null;
  areaM2?: number | null;
  usage?: string;
  occupancy?: string;
  gridId?: string;
}

function AddressModal({
  editing,
  grids,
  onClose,
  onSaved,
}: {
  editing: Editing | null;
  grids: OrgUnit[];
  onClose: () => void;
  onSaved: (text: string) => void | Promise<void>;
}) {
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const level: Level | undefined = editing
    ? editing.mode === 'create'
      ? editing.level
      : editing.node.level
    : undefined;
  const communityId =
    editing?.mode === 'create'
      ? editing.parent.level === 'community'
        ? editing.parent.id
        : editing.parent.communityId
      : editing?.node.communityId;
  const gridOptions = grids
    .filter((g) => g.kind === 'grid' && (!communityId || g.parentId === communityId))
    .map((g) => ({ value: g.id, label: g.name }));

  useEffect(() => {
    setError(null);
    if (!editing) return;
    form.resetFields();
    if (editing.mode !== 'create') {
      const n = editing.node;
      form.setFieldsValue({
        name: n.name,
        floors: n.floors ?? null,
        gridId: n.gridId,
        ...(n.room
          ? {
              floor: n.room.floor,
              areaM2: n.room.areaM2 ?? null,
              usage: n.room.usage,
              occupancy: n.room.occupancy,
            }
          : {}),
      });
    } else if (editing.level === 'building' && editing.parent.level === 'compound') {
      form.setFieldsValue({ gridId: gridOptions.length === 1 ? gridOptions[0]!.value : undefined });
    }
    // gridOptions follows editing
  }, [editing, form]);

  const save = async () => {
    if (!editing || !level) return;
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    const name = v.name?.trim();
    try {
      if (editing.mode === 'create') {
        const p = editing.parent;
        if (level === 'compound') {
          const c = await api<Compound>('/compounds', { body: { communityId: p.id, name } });
          await onSaved(`已新增小区：${c.name}`);
        } else if (level === 'building') {
          const b = await api<Building>('/buildings', {
            body: { compoundId: p.id, gridId: v.gridId, name, ...(v.floors ? { floors: v.floors } : {}) },
          });
          await onSaved(`已新增楼栋：${b.name}`);
        } else if (level === 'unit') {
          const u = await api<Unit>('/units', { body: { buildingId: p.id, name } });
          await onSaved(`已新增单元：${u.name}`);
        } else {
          const r = await api<Room>('/rooms', {
            body: {
              unitId: p.id,
              number: v.number?.trim(),
              ...(v.floor != null ? { floor: v.floor } : {}),
              ...(v.areaM2 != null ? { areaM2: v.areaM2 } : {}),
              ...(v.usage ? { usage: v.usage } : {}),
              ...(v.occupancy ? { occupancy: v.occupancy } : {}),
            },
          });
          await onSaved(`已新增房屋：${r.number}室`);
        }
      } else {
        const n = editing.node;
        if (editing.mode === 'move') {
          await api<Building>(`/buildings/${n.id}`, { method: 'PATCH', body: { gridId: v.gridId } });
          await onSaved(
            `已将 ${n.name} 调整到${gridOptions.find((g) => g.value === v.gridId)?.label ?? '新网格'}`,
          );
        } else if (level === 'compound' || level === 'unit') {
          await api(`/${level === 'compound' ? 'compounds' : 'units'}/${n.id}`, {
            method: 'PATCH',
            body: { name },
          });
          await onSaved(`已改名为：${name}`);
        } else if (level === 'building') {
          await api(`/buildings/${n.id}`, { method: 'PATCH', body: { name, floors: v.floors ?? null } });
          await onSaved('已保存');
        }
      }
    } catch (err) {
      setError(addressError(err));
    } finally {
      setSaving(false);
    }
  };

  const title = !editing
    ? ''
    : editing.mode === 'create'
      ? `在 ${editing.parent.name} 下新增${LEVEL_LABEL[editing.level]}`
      : editing.mode === 'move'
        ? `调整网格 · ${editing.node.name}`
        : `${editing.node.level === 'building' ? '编辑' : '改名'}${LEVEL_LABEL[editing.node.level]} · ${editing.node.name}`;

  return (
    <Modal
      open={editing !== null}
      title={title}
      onCancel={onClose}
      onOk={() => void save()}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ id: 'address-save' }}
      destroyOnHidden
    >
      {error && (
        <Typography.Paragraph id="address-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      {editing?.mode === 'move' && (
        <Typography.Paragraph type="secondary">
          调整后，该楼栋的单元、房屋、住户绑定和住在楼里的居民都归入新网格，由新网格的网格员负责。
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" requiredMark>
        {editing?.mode !== 'move' && level !== 'room' && (
          <Form.Item
            name="name"
            label="名称"
            rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
            extra={
              editing?.mode === 'edit'
                ? '改名后，下属楼栋、单元和房屋的标准地址随之更新'
                : level === 'building'
                  ? '如：9号楼'
                  : level === 'unit'
                    ? '如：1单元'
                    : undefined
            }
          >
            <Input id="address-name" maxLength={100} />
          </Form.Item>
        )}
        {level === 'building' && editing?.mode !== 'move' && (
          <Form.Item name="floors" label="层数">
            <InputNumber id="address-floors" min={1} max={200} precision={0} style={{ width: 160 }} />
          </Form.Item>
        )}
        {level === 'building' && editing?.mode !== 'edit' && (
          <Form.Item
            name="gridId"
            label="所属网格"
            rules={[{ required: true, message: '请选择网格' }]}
            extra={gridOptions.length === 0 ? '本社区还没有网格，请先在“组织与网格”中新增' : undefined}
          >
            <Select id="address-grid" options={gridOptions} placeholder="选择本社区的网格" />
          </Form.Item>
        )}
        {level === 'room' && editing?.mode === 'create' && (
          <Form.Item
            name="number"
            label="房号"
            rules={[{ required: true, whitespace: true, message: '请填写房号' }]}
            extra="如：502；楼层不填时按房号推算"
          >
            <Input id="address-number" maxLength={20} />
          </Form.Item>
        )}
        {level === 'room' && <RoomFields />}
      </Form>
    </Modal>
  );
}

/** floor, area, usage and occupancy of a room (CreateRoom / UpdateRoom) */
function RoomFields() {
  return (
    <>
      <Space size="large" wrap>
        <Form.Item name="floor" label="楼层">
          <InputNumber id="room-floor" min={-5} max={200} precision={0} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="areaM2" label="面积（㎡）">
          <InputNumber id="room-area" min={0.01} max={100000} style={{ width: 140 }} />
        </Form.Item>
      </Space>
      <Space size="large" wrap>
        <Form.Item name="usage" label="用途">
          <Select
            id="room-usage"
            style={{ width: 140 }}
            placeholder="住宅"
            options={Object.entries(ROOM_USAGE).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item name="occupancy" label="居住状态">
          <Select
            id="room-occupancy"
            style={{ width: 140 }}
            placeholder="未知"
            options={Object.entries(OCCUPANCY).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
      </Space>
    </>
  );
}

/** A room: its address, grid and households, with bindings added, verified, rejected or ended here. */
function RoomDrawer({
  roomId,
  gridName,
  communityId,
  onClose,
  onChanged,
}: {
  roomId: string | null;
  gridName: (id: string | undefined) => string | undefined;
  communityId: string | undefined;
  onClose: () => void;
  onChanged: (room: Room) => void;
}) {
  const { message } = App.useApp();
  const { can } = useSession();
  const [room, setRoom] = useState<Room | null>(null);
  const [bindings, setBindings] = useState<Binding[] | null>(null);
  const [people, setPeople] = useState<Map<string, Resident>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [closing, setClosing] = useState<{ binding: Binding; decision: 'reject' | 'end' } | null>(null);
  const [note, setNote] = useState('');
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(false);
  const mayRead = can('bindings.read');
  const mayVerify = can('bindings.verify');

  useEffect(() => {
    setError(null);
    if (!roomId) return;
    let live = true;
    Promise.all([
      api<Room>(`/rooms/${roomId}`),
      mayRead
        ? api<Page<Binding>>('/household-bindings', { query: { roomId, pageSize: 100 } }).then((p) => p.items)
        : Promise.resolve(null),
      can('residents.read')
        ? api<Page<Resident>>('/residents', { query: { roomId, pageSize: 100 } }).then((p) => p.items)
        : Promise.resolve([]),
    ])
      .then(([r, b, p]) => {
        if (!live) return;
        setRoom(r);
        setBindings(b);
        setPeople(new Map(p.map((x) => [x.id, x])));
      })
      .catch((err) => live && setError(addressError(err)));
    return () => {
      live = false;
    };
  }, [roomId, tick, mayRead, can]);

  useEffect(() => {
    if (!roomId) {
      setRoom(null);
      setBindings(null);
    }
  }, [roomId]);

  const review = async (b: Binding, decision: 'verify' | 'reject' | 'end', text?: string) => {
    setBusy(b.id);
    try {
      await api(`/household-bindings/${b.id}/review`, {
        body: { decision, ...(text ? { note: text } : {}) },
      });
      message.success(
        {
          verify: `已通过：${b.residentName}`,
          reject: `已驳回：${b.residentName}`,
          end: `已解除：${b.residentName}`,
        }[decision],
      );
      setClosing(null);
      setNote('');
      setTick((n) => n + 1);
    } catch (err) {
      message.error(reviewError(err));
    } finally {
      setBusy(null);
    }
  };

  // current households first, then pending requests, then the past ones
  const ORDER: Record<string, number> = { verified: 0, pending: 1, ended: 2, rejected: 3 };
  const sorted = [...(bindings ?? [])].sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9));

  return (
    <Drawer
      open={roomId !== null}
      onClose={onClose}
      size={720}
      title={room ? `${room.number}室` : '房屋'}
      extra={
        room &&
        can('rooms.update') &&
        room.usage !== undefined && (
          <Button id="room-edit" icon={<EditOutlined />} onClick={() => setEditing(true)}>
            编辑房屋
          </Button>
        )
      }
      destroyOnHidden
    >
      {error ? (
        <Alert type="error" showIcon title="房屋加载失败" description={error} />
      ) : !room ? (
        <Spin />
      ) : (
        <div id="room-drawer">
          <Descriptions
            size="small"
            column={2}
            bordered
            items={[
              {
                key: 'address',
                label: '标准地址',
                span: 2,
                children: <span id="room-address">{room.standardAddress}</span>,
              },
              {
                key: 'grid',
                label: '所属网格',
                children: <span id="room-grid">{gridName(room.gridId) ?? '—'}</span>,
              },
              { key: 'floor', label: '楼层', children: room.floor ?? '—' },
              ...(room.usage !== undefined
                ? [
                    {
                      key: 'area',
                      label: '面积',
                      children: room.areaM2 != null ? `${room.areaM2} ㎡` : '—',
                    },
                    { key: 'usage', label: '用途', children: ROOM_USAGE[room.usage] ?? room.usage },
                    {
                      key: 'occupancy',
                      label: '居住状态',
                      span: 2,
                      children: room.occupancy ? (OCCUPANCY[room.occupancy] ?? room.occupancy) : '—',
                    },
                  ]
                : []),
            ]}
          />
          <Space style={{ marginTop: 24, marginBottom: 8, width: '100%', justifyContent: 'space-between' }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              住户
            </Typography.Title>
            {can('bindings.create') && (
              <Button id="room-add-binding" icon={<UserAddOutlined />} onClick={() => setAdding(true)}>
                添加住户
              </Button>
            )}
          </Space>
          {!mayRead ? (
            <Typography.Text type="secondary">此角色不能查看住户</Typography.Text>
          ) : (
            <Table<Binding>
              id="room-households"
              size="small"
              rowKey="id"
              loading={bindings === null}
              dataSource={sorted}
              pagination={false}
              locale={{ emptyText: <Empty description="该房屋还没有住户" /> }}
              columns={[
                { title: '姓名', dataIndex: 'residentName', width: 90 },
                { title: '关系', dataIndex: 'relation', width: 90, render: (v: string) => RELATION[v] ?? v },
                {
                  title: '状态',
                  dataIndex: 'status',
                  width: 80,
                  render: (v: string) => <Tag color={STATUS_COLOR[v]}>{BINDING_STATUS[v] ?? v}</Tag>,
                },
                {
                  title: '手机',
                  key: 'phone',
                  width: 120,
                  render: (_: unknown, b) => people.get(b.residentId)?.phone ?? '—',
                },
                {
                  title: '证件号',
                  key: 'idNumber',
                  render: (_: unknown, b) => people.get(b.residentId)?.idNumber ?? '—',
                },
                {
                  title: '操作',
                  key: 'actions',
                  width: 130,
                  hidden: !mayVerify,
                  render: (_: unknown, b) =>
                    b.status === 'pending' ? (
                      <Space size={4}>
                        <Button
                          size="small"
                          type="primary"
                          className="room-binding-approve"
                          loading={busy === b.id}
                          onClick={() => void review(b, 'verify')}
                        >
                          通过
                        </Button>
                        <Button
                          size="small"
                          danger
                          className="room-binding-reject"
                          disabled={busy === b.id}
                          onClick={() => setClosing({ binding: b, decision: 'reject' })}
                        >
                          驳回
                        </Button>
                      </Space>
                    ) : b.status === 'verified' ? (
                      <Button
                        size="small"
                        className="room-binding-end"
                        disabled={busy === b.id}
                        onClick={() => setClosing({ binding: b, decision: 'end' })}
                      >
                        解除
                      </Button>
                    ) : null,
                },
              ]}
            />
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
            手机和证件号按权限遮盖；查看完整信息请到“居民管理”，会记入审计日志。
          </Typography.Paragraph>
        </div>
      )}
      <Modal
        title={
          closing
            ? `${closing.decision === 'reject' ? '驳回' : '解除'} ${closing.binding.residentName} 的房屋绑定`
            : ''
        }
        open={closing !== null}
        onCancel={() => {
          setClosing(null);
          setNote('');
        }}
        onOk={() => closing && void review(closing.binding, closing.decision, note.trim())}
        okText={closing?.decision === 'reject' ? '驳回' : '解除'}
        cancelText="取消"
        confirmLoading={busy !== null}
        okButtonProps={{
          id: 'room-binding-confirm',
          danger: true,
          disabled: closing?.decision === 'reject' && !note.trim(),
        }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          {closing?.decision === 'reject'
            ? '请写明驳回原因，申请人会看到。'
            : '解除后该居民不再是此房屋的住户（如已搬离），记录会保留。可写明原因。'}
        </Typography.Paragraph>
        <Input.TextArea
          id="room-binding-note"
          rows={3}
          maxLength={200}
          showCount
          value={note}
          placeholder={closing?.decision === 'reject' ? '如：房产证姓名与申请人不符' : '如：已于本月搬离'}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
      {room && (
        <AddBindingModal
          open={adding}
          room={room}
          communityId={communityId}
          onClose={() => setAdding(false)}
          onSaved={(b) => {
            message.success(`已添加住户：${b.residentName}`);
            setAdding(false);
            setTick((n) => n + 1);
          }}
        />
      )}
      {room && (
        <RoomEditModal
          open={editing}
          room={room}
          onClose={() => setEditing(false)}
          onSaved={(r) => {
            message.success('已保存');
            setEditing(false);
            setRoom(r);
            onChanged(r);
          }}
        />
      )}
    </Drawer>
  );
}

function AddBindingModal({
  open,
  room,
  communityId,
  onClose,
  onSaved,
}: {
  open: boolean;
  room: Room;
  communityId: string | undefined;
  onClose: () => void;
  onSaved: (b: Binding) => void;
}) {
  const [form] = Form.useForm<{ residentId: string; relation: string }>();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [finding, setFinding] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const find = useCallback(
    async (q: string) => {
      setFinding(true);
      try {
        const r = await api<Page<Resident>>('/residents', {
          query: { q: q.trim() || undefined, communityId, status: 'active', pageSize: 20 },
        });
        setOptions(
          r.items.map((p) => ({
            value: p.id,
            label: `${p.name}${p.phone ? ` · ${p.phone}` : ''}${p.rooms[0] ? ` · ${local(p.rooms[0].standardAddress)}` : ' · 未绑定房屋'}`,
          })),
        );
      } catch (err) {
        setError(addressError(err));
      } finally {
        setFinding(false);
      }
    },
    [communityId],
  );

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setError(null);
    void find('');
  }, [open, form, find]);

  const save = async () => {
    let v: { residentId: string; relation: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      onSaved(await api<Binding>('/household-bindings', { body: { ...v, roomId: room.id } }));
    } catch (err) {
      setError(addressError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={`添加住户 · ${room.number}室`}
      onCancel={onClose}
      onOk={() => void save()}
      okText="添加"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ id: 'binding-save' }}
      destroyOnHidden
    >
      {error && (
        <Typography.Paragraph id="binding-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Typography.Paragraph type="secondary">
        为已在本社区登记的居民绑定此房屋，由工作人员添加的绑定直接生效。尚未登记的居民请先在“居民管理”中登记或导入。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item name="residentId" label="居民" rules={[{ required: true, message: '请选择居民' }]}>
          <Select
            id="binding-resident"
            showSearch={{ filterOption: false, onSearch: (q) => void find(q) }}
            loading={finding}
            options={options}
            placeholder="输入姓名查找"
            notFoundContent={finding ? <Spin size="small" /> : '没有找到该居民'}
          />
        </Form.Item>
        <Form.Item name="relation" label="与房屋关系" rules={[{ required: true, message: '请选择关系' }]}>
          <Select
            id="binding-relation"
            options={Object.entries(RELATION).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RoomEditModal({
  open,
  room,
  onClose,
  onSaved,
}: {
  open: boolean;
  room: Room;
  onClose: () => void;
  onSaved: (r: Room) => void;
}) {
  const { can } = useSession();
  const renumber = can('addresses.manage'); // a new number is a new address: the community office's
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) setError(null);
  }, [open]);

  const save = async () => {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const number = v.number?.trim();
      const body = {
        ...(renumber && number && number !== room.number ? { number } : {}),
        ...(v.floor != null ? { floor: v.floor } : {}),
        ...(v.areaM2 != null ? { areaM2: v.areaM2 } : {}),
        ...(v.usage ? { usage: v.usage } : {}),
        ...(v.occupancy ? { occupancy: v.occupancy } : {}),
      };
      onSaved(await api<Room>(`/rooms/${room.id}`, { method: 'PATCH', body }));
    } catch (err) {
      setError(addressError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={`编辑房屋 · ${room.number}室`}
      onCancel={onClose}
      onOk={() => void save()}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ id: 'room-save' }}
      destroyOnHidden
    >
      {error && (
        <Typography.Paragraph id="room-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          number: room.number,
          floor: room.floor,
          areaM2: room.areaM2 ?? null,
          usage: room.usage,
          occupancy: room.occupancy,
        }}
      >
        {renumber && (
          <Form.Item
            name="number"
            label="房号"
            rules={[{ required: true, whitespace: true, message: '请填写房号' }]}
            extra="改房号后，房屋的标准地址随之更新"
          >
            <Input id="room-number" maxLength={20} style={{ width: 200 }} />
          </Form.Item>
        )}
        <RoomFields />
      </Form>
    </Modal>
  );
}
