// Notices (社区公告) and party-building news (党建): written by community and street admins, read by the
// residents and staff of the communities they are for. The body is plain text; blank lines separate paragraphs.
import { z } from 'zod';
import { Id, Paging } from './common.js';

export const NoticeKind = z.enum(['notice', 'party_news']);
export type NoticeKind = z.infer<typeof NoticeKind>;
export const NoticeStatus = z.enum(['draft', 'published', 'withdrawn']);
export type NoticeStatus = z.infer<typeof NoticeStatus>;

export const NoticeFile = z.object({ id: Id, name: z.string(), contentType: z.string() });

export const Notice = z.object({
  id: Id,
  /** the community or street it is for (a street's notice reaches all its communities) */
  orgUnitId: Id,
  orgUnitName: z.string(),
  kind: NoticeKind,
  title: z.string(),
  body: z.string(),
  /** the first paragraph, shortened, for lists */
  summary: z.string(),
  coverFileId: Id.nullable(),
  attachments: z.array(NoticeFile),
  pinned: z.boolean(),
  status: NoticeStatus,
  publishedAt: z.string().nullable(),
  authorName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** has the caller opened it (for the unread dot) */
  read: z.boolean(),
});
export type Notice = z.infer<typeof Notice>;

const Title = z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters');
const Body = z.string().trim().min(1, 'is required').max(10000, 'must be at most 10000 characters');

export const CreateNotice = z.strictObject({
  orgUnitId: Id,
  kind: NoticeKind,
  title: Title,
  body: Body,
  pinned: z.boolean().default(false),
  coverFileId: Id.nullable().optional(),
  attachmentFileIds: z.array(Id).max(9, 'at most 9 attachments').default([]),
});
export type CreateNotice = z.input<typeof CreateNotice>;

export const UpdateNotice = z.strictObject({
  kind: NoticeKind.optional(),
  title: Title.optional(),
  body: Body.optional(),
  pinned: z.boolean().optional(),
  coverFileId: Id.nullable().optional(),
  attachmentFileIds: z.array(Id).max(9, 'at most 9 attachments').optional(),
});
export type UpdateNotice = z.input<typeof UpdateNotice>;

export const NoticeQuery = z.strictObject({
  ...Paging,
  kind: NoticeKind.optional(),
  /** staff who manage notices may ask for drafts and withdrawn ones; everyone else reads published only */
  status: NoticeStatus.optional(),
  q: z.string().trim().max(50).optional(),
  orgUnitId: Id.optional(),
});
export type NoticeQuery = z.input<typeof NoticeQuery>;

export const NoticeUnread = z.object({ unread: z.number().int() });
