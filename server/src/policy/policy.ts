// The one place that decides access. Routes call `scopeFor` (list queries) or `authorize` (one record).
import { type SQL, sql, or, like } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { forbidden, notFound } from '../http/errors.js';
import { ADDRESS_DIRECTORY, PERMISSIONS, type Action, type Resource, type Role } from './permissions.js';
import type { Grant, Principal } from './principal.js';

export interface AccessScope {
  /** every record */
  any: boolean;
  /** org path prefixes whose subtrees are visible */
  prefixes: string[];
  /** the caller's own records */
  self: boolean;
}

/** The roles a principal acts in: its grants, plus `resident` when the account is bound to a resident. */
export function effectiveGrants(p: Principal): Pick<Grant, 'role' | 'orgPath'>[] {
  const grants: Pick<Grant, 'role' | 'orgPath'>[] = [...p.grants];
  if (p.residentId) grants.push({ role: 'resident', orgPath: '' });
  return grants;
}

export function hasRole(p: Principal, ...roles: Role[]): boolean {
  return effectiveGrants(p).some((g) => roles.includes(g.role));
}

export function scopeFor(p: Principal, resource: Resource, action: Action): AccessScope {
  const scope: AccessScope = { any: false, prefixes: [], self: false };
  // the address directory is public to anyone signed in: a first WeChat sign-in has no role and no resident
  // record yet, and finds its room there to ask to be bound to it
  if (ADDRESS_DIRECTORY[resource]?.[action] === 'any') scope.any = true;
  for (const g of effectiveGrants(p)) {
    const s = PERMISSIONS[g.role][resource]?.[action];
    if (s === 'any') scope.any = true;
    else if (s === 'subtree') scope.prefixes.push(g.orgPath);
    else if (s === 'self' && p.residentId) scope.self = true;
  }
  return scope;
}

export function allowsAnything(scope: AccessScope): boolean {
  return scope.any || scope.self || scope.prefixes.length > 0;
}

/** Throws 403 when no role of the caller has this action on this resource at all. */
export function requirePermission(p: Principal, resource: Resource, action: Action): AccessScope {
  const scope = scopeFor(p, resource, action);
  if (!allowsAnything(scope)) throw forbidden(`You may not ${action} ${resource.replace(/_/g, ' ')}`);
  return scope;
}

export function pathInScope(scope: AccessScope, orgPath: string): boolean {
  return scope.any || scope.prefixes.some((prefix) => orgPath.startsWith(prefix));
}

/**
 * Checks one record. A record outside the caller's scope answers 404, not 403, so that nobody learns
 * which ids exist beyond what they may see.
 */
export function authorize(
  p: Principal,
  resource: Resource,
  action: Action,
  target: { orgPath: string; isSelf?: boolean },
  what: string,
  id: string,
): AccessScope {
  const scope = requirePermission(p, resource, action);
  if (pathInScope(scope, target.orgPath) || (scope.self && target.isSelf)) return scope;
  // a record the caller may read but not change: 403; one it may not even read: 404
  if (action !== 'read') {
    const read = scopeFor(p, resource, 'read');
    if (pathInScope(read, target.orgPath) || (read.self && target.isSelf))
      throw forbidden(`You may not ${action} this ${what}`);
  }
  throw notFound(what, id);
}

/** SQL condition restricting `orgPathColumn` to the scope; `selfCondition` expresses the caller's own rows. */
export function scopeCondition(scope: AccessScope, orgPathColumn: AnyPgColumn, selfCondition?: SQL): SQL {
  if (scope.any) return sql`true`;
  const parts: SQL[] = scope.prefixes.map((prefix) => like(orgPathColumn, `${escapeLike(prefix)}%`));
  if (scope.self && selfCondition) parts.push(selfCondition);
  return parts.length ? (or(...parts) as SQL) : sql`false`;
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
