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
/** an instant with its offset (`2026-11-24T00:00:00+08:00`, `2026-11-23T16:00:00Z`) */
const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO date-time with an offset' });
export const AuditQuery = z
  .strictObject({
    ...Paging,
    action: z.string().max(40).optional(),
    targetType: z.string().max(40).optional(),
    targetId: z.string().max(64).optional(),
    actorUserId: Id.optional(),
    /** entries at or after this instant */
    from: Instant.optional(),
    /** entries before this instant (exclusive, so that one day's range is [day 00:00, next day 00:00)) */
    to: Instant.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    path: ['from'],
    message: 'must not be later than to',
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
