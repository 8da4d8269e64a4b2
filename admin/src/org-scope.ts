// What the org, staff and organisation screens need beyond session.tsx (which answers what the scope's role may
// do, from the server's permission table): at which level each role is held (routes/users.ts ROLE_LEVEL), and
// the org tree of the scope (GET /org-units, which answers every unit: org units are a directory anyone may read).
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Me, OrgUnit, RoleName } from '@linli/contracts';
import { api, type Page } from './api';
import { useSession } from './session';

/** The kind of org unit each role is held at (server routes/users.ts ROLE_LEVEL). */
export const ROLE_LEVEL: Record<RoleName, OrgUnit['kind']> = {
  resident: 'community',
  volunteer: 'community',
  grid_worker: 'grid',
  property_staff: 'community',
  technician: 'community',
  community_admin: 'community',
  street_admin: 'street',
  district_admin: 'district',
};

/** Property staff and technicians act for a property company: a grant of theirs names one. */
export const NEEDS_COMPANY: RoleName[] = ['property_staff', 'technician'];

/** Every org unit, page by page (the API pages at 200). */
export async function fetchOrgUnits(): Promise<OrgUnit[]> {
  const out: OrgUnit[] = [];
  for (let page = 1; ; page++) {
    const r = await api<Page<OrgUnit>>('/org-units', { query: { page, pageSize: 200 } });
    out.push(...r.items);
    if (r.items.length === 0 || out.length >= r.total) return out;
  }
}

export interface ScopeUnits {
  /** the unit of the scope grant and everything below it, in path order */
  units: OrgUnit[];
  byId: Map<string, OrgUnit>;
  /** every unit, also those above the scope (to name a parent) */
  allById: Map<string, OrgUnit>;
  root: OrgUnit | undefined;
  loading: boolean;
  error: unknown;
  reload(): void;
}

/** The org units inside the scope being looked at (the grant's unit and its subtree). */
export function useScopeUnits(): ScopeUnits {
  const { user, scope } = useSession();
  const rootId = user?.roles[scope]?.orgUnitId;
  const [all, setAll] = useState<OrgUnit[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    setLoading(true);
    fetchOrgUnits()
      .then((u) => {
        setAll(u);
        setError(null);
      })
      .catch(setError)
      .finally(() => setLoading(false));
  }, [tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return useMemo(() => {
    const units = rootId ? all.filter((u) => u.path.includes(`/${rootId}/`)) : [];
    return {
      units,
      byId: new Map(units.map((u) => [u.id, u])),
      allById: new Map(all.map((u) => [u.id, u])),
      root: units.find((u) => u.id === rootId),
      loading,
      error,
      reload,
    };
  }, [all, rootId, loading, error, reload]);
}

export interface UnitNode {
  key: string;
  value: string;
  title: string;
  unit: OrgUnit;
  disabled?: boolean;
  children: UnitNode[];
}

/** By official code where both have one (第一网格 370902001001001 before 第二网格 …002), then by name. */
export function compareUnits(a: OrgUnit, b: OrgUnit): number {
  if (a.code && b.code) return a.code.localeCompare(b.code, 'en', { numeric: true });
  if (a.code || b.code) return a.code ? -1 : 1;
  return a.name.localeCompare(b.name, 'zh-CN');
}

/** The scope's units as a tree (antd Tree / TreeSelect data), children by code, then name. */
export function unitTree(units: OrgUnit[], disabled?: (u: OrgUnit) => boolean): UnitNode[] {
  const nodes = new Map<string, UnitNode>(
    units.map((u) => [
      u.id,
      { key: u.id, value: u.id, title: u.name, unit: u, disabled: disabled?.(u), children: [] },
    ]),
  );
  const roots: UnitNode[] = [];
  for (const u of units) {
    const node = nodes.get(u.id)!;
    const parent = u.parentId ? nodes.get(u.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: UnitNode[]) => {
    list.sort((a, b) => compareUnits(a.unit, b.unit));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/** The community of the scope: the unit itself, or a grid's parent (undefined above community level). */
export function scopeCommunityId(user: Me | null, scope: number, byId: Map<string, OrgUnit>) {
  const unit = byId.get(user?.roles[scope]?.orgUnitId ?? '');
  if (unit?.kind === 'community') return unit.id;
  if (unit?.kind === 'grid') return unit.parentId ?? undefined;
  return undefined;
}

/** Problems the server names in a 400 (validation_failed details). */
export interface Problem {
  path: string;
  message: string;
}
export function problemsOf(details: unknown): Problem[] {
  return Array.isArray(details)
    ? details.filter((p): p is Problem => typeof p?.path === 'string' && typeof p?.message === 'string')
    : [];
}

/** The zod messages these forms can meet, in Chinese; an unknown one is kept in the server's words. */
export function problemText(message: string): string {
  let m: RegExpExecArray | null;
  if (message === 'is required') return '必填';
  if (message === 'is not a known field') return '不是可用的字段';
  if (/^must be at least 10 characters$/.test(message)) return '至少 10 位';
  if (/^must contain letters and digits$/.test(message)) return '须同时含字母和数字';
  if (/^must be 3-32 lowercase letters/.test(message))
    return '须为 3 至 32 位小写字母、数字或 . _ -，以字母开头';
  if (/^must be an 11-digit mainland mobile number$/.test(message)) return '须为 11 位大陆手机号';
  if (/^is not a valid Chinese plate number$/.test(message)) return '不是有效的车牌号';
  if (/^is not a valid unified social credit code$/.test(message)) return '不是有效的统一社会信用代码';
  if ((m = /^Too small: expected string to have >=(\d+) characters?$/.exec(message)))
    return `至少 ${m[1]} 个字`;
  if ((m = /^Too big: expected string to have <=(\d+) characters?$/.exec(message)))
    return `最多 ${m[1]} 个字`;
  return `不符合要求（${message}）`;
}
