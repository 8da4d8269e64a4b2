// The audit log: who read personal data in full, or changed something sensitive, when and why.
import { auditLog } from '../db/schema.js';
import type { DbOrTx } from '../db/client.js';

export interface AuditEntryInput {
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  fields?: string[];
  reason?: string | null;
  requestId?: string | null;
  orgPath?: string | null;
}

export async function writeAudit(db: DbOrTx, entry: AuditEntryInput): Promise<void> {
  await db.insert(auditLog).values({
    actorUserId: entry.actorUserId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    fields: entry.fields ?? [],
    reason: entry.reason ?? null,
    requestId: entry.requestId ?? null,
    orgPath: entry.orgPath ?? null,
  });
}
