// Commands on definitions and cases (instances): deploy, start, cancel, and reading one case as its caller
// may. Each authorises through the policy module before it changes anything.
import type { DefinitionRow, InstanceRow, Variables } from '@linli/workflows';
import { badRequest, notFound } from '../http/errors.js';
import { PERMISSIONS } from '../policy/permissions.js';
import { authorize, pathInScope, requirePermission, scopeFor } from '../policy/policy.js';
import type { Principal } from '../policy/principal.js';
import { getOrgUnit } from '../domain/org.js';
import { getResident } from '../domain/residents.js';
import { writeAudit } from '../domain/audit.js';
import { ownedProcesses } from '../processes/ownership.js';
import type { Services } from '../services.js';

export async function deployDefinition(
  s: Services,
  p: Principal,
  xml: string,
  requestId: string,
): Promise<{ definition: DefinitionRow; created: boolean }> {
  requirePermission(p, 'definitions', 'create');
  const result = await s.workflow.runtime.deploy(xml, p.userId);
  if (result.created) {
    // processes are shared; the entry sits at the deployer's level so that their admins can see who changed a flow
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: 'definition_deploy',
      targetType: 'definition',
      targetId: result.definition.id,
      fields: [`${result.definition.processId} v${result.definition.version}`],
      requestId,
      orgPath: p.grants.find((g) => PERMISSIONS[g.role].definitions?.create)?.orgPath ?? null,
    });
  }
  return result;
}

export async function getDefinition(s: Services, p: Principal, id: string): Promise<DefinitionRow> {
  requirePermission(p, 'definitions', 'read');
  const def = await s.workflow.store.findDefinition({ id });
  if (!def) throw notFound('Process definition', id);
  return def;
}

/**
 * Where a new case belongs: the org unit the starter names (inside their scope), else the one unit their
 * grants allow, else (for a resident) their home.
 */
async function caseOrgPath(s: Services, p: Principal, orgUnitId: string | undefined): Promise<string> {
  const scope = requirePermission(p, 'instances', 'create');
  if (orgUnitId) {
    const unit = await getOrgUnit(s.db, orgUnitId);
    authorize(p, 'instances', 'create', { orgPath: unit.path }, 'Org unit', unit.id);
    return unit.path;
  }
  const prefixes = [...new Set(scope.prefixes)];
  if (prefixes.length === 1 && !scope.self) return prefixes[0]!;
  if (prefixes.length === 0 && scope.self && p.residentId)
    return (await getResident(s.db, p.residentId)).orgPath;
  throw badRequest('Name the org unit the case belongs to (orgUnitId): you work in more than one');
}

export interface StartInput {
  processId: string;
  version?: number | undefined;
  businessKey?: string | undefined;
  variables?: Variables | undefined;
  orgUnitId?: string | undefined;
}

export async function startCase(s: Services, p: Principal, input: StartInput): Promise<InstanceRow> {
  const orgPath = await caseOrgPath(s, p, input.orgUnitId);
  const owner = (await ownedProcesses()).get(input.processId);
  if (owner) {
    throw badRequest(
      `Cases of ${input.processId} are started through the ${owner.name} API, which records what the case is about`,
    );
  }
  return s.workflow.runtime.start({
    processId: input.processId,
    ...(input.version ? { version: input.version } : {}),
    businessKey: input.businessKey ?? null,
    variables: input.variables ?? {},
    initiator: p.userId,
    orgPath,
    // camunda:candidateStarterGroups name roles; someone with a home counts as a resident
    starter: {
      userId: p.userId,
      groups: [...new Set([...p.grants.map((g) => g.role), ...(p.residentId ? ['resident'] : [])])],
    },
  });
}

export interface CaseView {
  instance: InstanceRow;
  /** staff whose scope covers the case: they see its variables and history data */
  staff: boolean;
}

/** One case as this caller may see it: its starter, or staff whose scope holds it; else 404. */
export async function loadCase(
  s: Services,
  p: Principal,
  id: string,
  action: 'read' | 'update' = 'read',
): Promise<CaseView> {
  requirePermission(p, 'instances', action);
  const instance = await s.workflow.store.getInstance(id);
  if (!instance) throw notFound('Instance', id);
  const target = { orgPath: instance.orgPath ?? '', isSelf: instance.initiator === p.userId };
  authorize(p, 'instances', action, target, 'Instance', id);
  return caseView(p, instance);
}

export async function cancelCase(
  s: Services,
  p: Principal,
  id: string,
  reason: string,
  requestId: string,
): Promise<CaseView> {
  const view = await loadCase(s, p, id, 'update');
  const instance = await s.workflow.runtime.cancel(id, reason, p.userId);
  await writeAudit(s.db, {
    actorUserId: p.userId,
    action: 'instance_cancel',
    targetType: 'instance',
    targetId: id,
    reason,
    requestId,
    orgPath: instance.orgPath,
  });
  return { ...view, instance };
}

/** A case as the caller's scope shows it. Without authorising: after a task operation moved the case
 * (return, withdraw) the caller just acted on it. */
export function caseView(p: Principal, instance: InstanceRow): CaseView {
  return {
    instance,
    staff: instance.orgPath !== null && pathInScope(scopeFor(p, 'instances', 'read'), instance.orgPath),
  };
}
