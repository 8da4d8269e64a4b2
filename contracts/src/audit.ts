import { z } from 'zod';
import { Id, Paging } from './common.js';

export const AuditEntry = z.object({
  id: Id,
  at: z.string(),
  actorUserId: Id.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
});
export const AuditQuery = z.strictObject({
  ...Paging,
  action: z.string().max(40).optional(),
  targetType: z.string().max(40).optional(),
  targetId: z.string().max(64).optional(),
  actorUserId: Id.optional(),
});

export const ImportQuery = z.strictObject({
  communityId: Id,
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  fileName: z.string().max(200).optional(),
});
export const ImportRowProblem = z.object({
  row: z.number().int(),
  column: z.string().optional(),
  message: z.string(),
});
export const ImportReport = z.object({
  id: Id,
  dryRun: z.boolean(),
  status: z.enum(['checked', 'imported', 'rejected']),
  totalRows: z.number().int(),
  okRows: z.number().int(),
  badRows: z.number().int(),
  problems: z.array(ImportRowProblem),
  created: z.object({ residents: z.number().int(), rooms: z.number().int(), bindings: z.number().int() }),
});
