// Who is signed in, what they may do, and which org scope they are looking at.
// What a role may do comes from the server's one permission table (GET /me/permissions): `can` asks it for the
// role of the scope being looked at, so the screens show only the buttons that role may use (the server refuses
// anyway). Until it has loaded, the frame shows a spinner rather than guessing.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Me, MyPermissions, RoleName, Session } from '@linli/contracts';
import { api, currentSession, onSessionChange, setSession } from './api';

type RolePermissions = MyPermissions['roles'][string];

const has =
  (resource: string, action: string) =>
  (r: RolePermissions): boolean =>
    r.permissions[resource]?.includes(action) ?? false;

/** the console's actions, each as a question to the server's permission table */
const ACTIONS = {
  console: has('definitions', 'read'), // staff: residents and volunteers use the mini-program
  'stats.read': has('tasks', 'supervise'), // 辅助决策 (GET /stats/overview)
  'definitions.deploy': has('definitions', 'create'),
  'instances.cancel': has('instances', 'update'),
  'incidents.retry': has('incidents', 'update'),
  'residents.read': has('residents', 'read'),
  'residents.reveal': has('residents', 'reveal'),
  'residents.revealIdNumber': (r: RolePermissions) => r.revealable.includes('idNumber'),
  'imports.create': has('imports', 'create'),
  'tasks.supervise': has('tasks', 'supervise'), // 督办: every open task of the area, urge, transfer
  'audit.read': has('audit_log', 'read'),
  'devices.read': has('devices', 'read'),
  'devices.manage': has('devices', 'manage'),
  'bridges.manage': has('devices', 'manage'), // 设备网关: list, create, rotate a secret (community admins)
  'bindings.read': has('household_bindings', 'read'),
  'bindings.verify': has('household_bindings', 'verify'),
  'bindings.create': has('household_bindings', 'create'), // 添加住户 (staff bind a registered resident)
  // 房屋管理: community admins add and rename compounds, buildings, units and rooms; room details (floor, area,
  // usage, occupancy) are also kept by grid workers and property staff
  'addresses.manage': has('compounds', 'create'),
  'rooms.update': has('rooms', 'update'),
  'approvalItems.manage': has('approval_items', 'manage'),
  'notices.manage': has('notices', 'manage'),
  'orgUnits.manage': has('org_units', 'create'),
  'users.read': has('users', 'read'),
  'users.update': has('users', 'update'), // 停用/启用, 重置密码, 解锁 (PATCH /users/:id)
  'organisations.read': has('organisations', 'read'),
  // a grid worker registers an organisation at a room, which these screens cannot pick yet: offered to the roles
  // that also manage org units (community admins), who may register one without
  'organisations.create': (r: RolePermissions) =>
    has('organisations', 'create')(r) && has('org_units', 'create')(r),
  'organisations.update': has('organisations', 'update'),
  'vehicles.read': has('vehicles', 'read'),
  'vehicles.manage': has('vehicles', 'update'),
  'mall.read': has('mall_items', 'read'), // 积分商城
  'mall.manage': has('mall_items', 'create'),
  'redemptions.handle': has('redemptions', 'update'), // 发放 / 取消 兑换
  // 值班排班: the repair roster is kept by property staff (repairs manage), read by technicians and admins
  'repairDuty.read': (r: RolePermissions) =>
    has('repairs', 'manage')(r) || has('repairs', 'update')(r) || has('users', 'read')(r),
  'repairDuty.keep': has('repairs', 'manage'),
  'alertDuty.read': has('alerts', 'read'),
  'alertDuty.manage': has('alerts', 'manage'),
  'rosters.read': (r: RolePermissions) => has('alerts', 'read')(r) || has('repairs', 'update')(r),
} satisfies Record<string, (r: RolePermissions) => boolean>;

export type Action = keyof typeof ACTIONS;

export const ROLE_LABEL: Record<RoleName, string> = {
  resident: '居民',
  volunteer: '志愿者',
  grid_worker: '网格员',
  property_staff: '物业客服',
  technician: '维修工',
  community_admin: '社区管理员',
  street_admin: '街道管理员',
  district_admin: '区级管理员',
};

interface SessionState {
  user: Me | null;
  /** index into user.roles: the grant whose org scope the console shows */
  scope: number;
  setScope(index: number): void;
  can(action: Action): boolean;
  /** the roles the scope's role may grant to others (server GRANTABLE) */
  grantable: RoleName[];
  /** false until the permissions of the signed-in account have loaded */
  ready: boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setLocal] = useState<Session | null>(currentSession());
  const [scope, setScope] = useState(0);
  const [permissions, setPermissions] = useState<{ userId: string; roles: MyPermissions['roles'] } | null>(
    null,
  );
  useEffect(() => onSessionChange(setLocal), []);
  const userId = session?.user.id;
  useEffect(() => {
    if (!userId) return;
    let live = true;
    api<MyPermissions>('/me/permissions')
      .then((p) => live && setPermissions({ userId, roles: p.roles }))
      // without them the console offers nothing; the server still answers every call on its own
      .catch(() => live && setPermissions({ userId, roles: {} }));
    return () => {
      live = false;
    };
  }, [userId]);

  const value = useMemo<SessionState>(() => {
    const user = session?.user ?? null;
    const roles = user?.roles ?? [];
    const granted: RoleName[] = scope < roles.length ? [roles[scope]!.role] : roles.map((r) => r.role);
    const loaded = permissions && permissions.userId === user?.id ? permissions.roles : null;
    const tables = granted.map((r) => loaded?.[r]).filter((t): t is RolePermissions => !!t);
    return {
      user,
      scope: scope < roles.length ? scope : 0,
      setScope,
      can: (action) => tables.some(ACTIONS[action]),
      grantable: [...new Set(tables.flatMap((t) => t.grantable))],
      ready: !user || loaded !== null,
      async signIn(username, password) {
        const next = await api<Session>('/auth/password', { body: { username, password } });
        setScope(0);
        setSession(next);
      },
      async signOut() {
        try {
          await api('/auth/logout', { method: 'POST' });
        } catch {
          // the session may be over already
        }
        setSession(null);
      },
    };
  }, [session, scope, permissions]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(Ctx);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
