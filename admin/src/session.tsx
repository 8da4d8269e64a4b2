// Who is signed in, what they may do, and which org scope they are looking at.
// The server has no endpoint that lists a caller's permissions (GET /me returns roles and org units only), so
// `can` mirrors the server's permission table (server/src/policy/permissions.ts) by role; the server refuses
// anyway, and the screens show only the buttons a role may use.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Me, RoleName, Session } from '@linli/contracts';
import { api, currentSession, onSessionChange, setSession } from './api';

export type Action =
  | 'console' // may use the admin console at all (staff)
  | 'definitions.deploy'
  | 'instances.cancel'
  | 'incidents.retry'
  | 'residents.read'
  | 'residents.reveal'
  | 'residents.revealIdNumber' // the full ID number too, not only the phone (server REVEALABLE)
  | 'imports.create'
  | 'tasks.supervise' // 督办: every open task of the area (GET /tasks?view=all), urge, transfer
  | 'audit.read' // the audit log (server: audit_log read, the admins' OVERSIGHT table)
  | 'devices.read' // 设备管理 (server processes/alerts/permissions.ts: devices.read, staff but technicians)
  | 'devices.manage' // register and edit devices (devices.manage: community admins)
  | 'bindings.read' // 住户审核 (household_bindings read: staff but technicians)
  | 'bindings.verify' // approve or reject (household_bindings verify: GRID_WORK, property staff)
  | 'approvalItems.manage'; // 事项清单 editor (processes/approval/permissions.ts: approval_items manage, admins)

const ADMINS: RoleName[] = ['community_admin', 'street_admin', 'district_admin'];
const STAFF: RoleName[] = [...ADMINS, 'grid_worker', 'property_staff', 'technician'];

const RULES: Record<Action, RoleName[]> = {
  console: STAFF,
  'definitions.deploy': ADMINS,
  'instances.cancel': ADMINS,
  'incidents.retry': ADMINS,
  'residents.read': [...ADMINS, 'grid_worker', 'property_staff'],
  'residents.reveal': ['community_admin', 'grid_worker', 'property_staff'],
  'residents.revealIdNumber': ['community_admin', 'grid_worker'],
  'imports.create': ['community_admin'],
  'tasks.supervise': ADMINS,
  'audit.read': ADMINS,
  'devices.read': [...ADMINS, 'grid_worker', 'property_staff'],
  'devices.manage': ['community_admin'],
  'bindings.read': [...ADMINS, 'grid_worker', 'property_staff'],
  'bindings.verify': ['community_admin', 'grid_worker', 'property_staff'],
  'approvalItems.manage': ADMINS,
};

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
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setLocal] = useState<Session | null>(currentSession());
  const [scope, setScope] = useState(0);
  useEffect(() => onSessionChange(setLocal), []);

  const value = useMemo<SessionState>(() => {
    const user = session?.user ?? null;
    const roles = user?.roles ?? [];
    const granted = scope < roles.length ? [roles[scope]!.role] : roles.map((r) => r.role);
    return {
      user,
      scope: scope < roles.length ? scope : 0,
      setScope,
      can: (action) => granted.some((r) => RULES[action].includes(r)),
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
  }, [session, scope]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(Ctx);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
