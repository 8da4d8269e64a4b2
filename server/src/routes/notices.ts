// Notices (社区公告) and party-building news (党建). Admins of a community or street write them as drafts,
// publish and withdraw them; everyone signed in reads the published ones of their own communities: residents
// those of the communities of their rooms (verified or pending bindings), staff those of their area and the
// street or community above it. Opening a notice marks it read for the caller (the unread dot).
import { randomUUID } from 'node:crypto';
import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import {
  CreateNotice,
  IdParams,
  Notice,
  NoticeQuery,
  UpdateNotice,
  pageOf as pageSchema,
  type FileKind,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import { householdBindings, noticeReads, notices, orgUnits } from '../db/schema.js';
import {
  authorize,
  escapeLike,
  pathInScope,
  requirePermission,
  scopeCondition,
  scopeFor,
} from '../policy/policy.js';
import type { Principal } from '../policy/principal.js';
import { getOrgUnit } from '../domain/org.js';
import { pageOf } from '../domain/paging.js';
import { claimFiles, fileRows } from '../files/service.js';
import type { DbOrTx } from '../db/client.js';
import type { Services } from '../services.js';

type NoticeRow = typeof notices.$inferSelect;

/** The org paths a person lives or works in: their rooms' (verified or pending) and their grants'. */
async function homePaths(db: DbOrTx, p: Principal): Promise<string[]> {
  const paths = p.grants.map((g) => g.orgPath);
  if (p.residentId) {
    const rows = await db
      .select({ orgPath: householdBindings.orgPath })
      .from(householdBindings)
      .where(
        and(
          eq(householdBindings.residentId, p.residentId),
          inArray(householdBindings.status, ['pending', 'verified']),
        ),
      );
    paths.push(...rows.map((r) => r.orgPath));
  }
  return [...new Set(paths)];
}

/** Published notices this person may read: for a street or community above a home path, or in their area. */
async function readableCondition(db: DbOrTx, p: Principal): Promise<SQL> {
  // no grant at all (a first sign-in without a room yet) is no error: there is simply nothing to read
  const scope = scopeFor(p, 'notices', 'read');
  const homes = await homePaths(db, p);
  const parts: SQL[] = homes.map(
    (home) => sql`left(${home}, length(${notices.orgPath})) = ${notices.orgPath}`,
  );
  parts.push(scopeCondition({ ...scope, self: false }, notices.orgPath));
  return and(eq(notices.status, 'published'), or(...parts) as SQL) as SQL;
}

async function mayRead(db: DbOrTx, p: Principal, n: NoticeRow): Promise<boolean> {
  if (pathInScope(scopeFor(p, 'notices', 'manage'), n.orgPath)) return true;
  if (n.status !== 'published') return false;
  if (pathInScope(scopeFor(p, 'notices', 'read'), n.orgPath)) return true;
  return (await homePaths(db, p)).some((home) => home.startsWith(n.orgPath));
}

async function getNotice(db: DbOrTx, id: string): Promise<NoticeRow> {
  const [row] = await db.select().from(notices).where(eq(notices.id, id));
  if (!row) throw notFound('Notice', id);
  return row;
}

/** A notice the caller may read (404 otherwise, so that drafts and other areas' notices stay unknown). */
async function readableNotice(db: DbOrTx, p: Principal, id: string): Promise<NoticeRow> {
  const n = await getNotice(db, id);
  if (!(await mayRead(db, p, n))) throw notFound('Notice', id);
  return n;
}

/** the first paragraph that says something (a salutation such as 各位居民： is skipped), shortened */
function summaryOf(body: string): string {
  const paragraphs = body
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const first = paragraphs.find((p) => !(p.length <= 12 && /[：:]$/.test(p))) ?? paragraphs[0] ?? '';
  return first.length > 80 ? `${first.slice(0, 80)}…` : first;
}

async function present(db: DbOrTx, p: Principal, rows: NoticeRow[]): Promise<Notice[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [units, reads, fileList] = await Promise.all([
    db
      .select({ id: orgUnits.id, name: orgUnits.name })
      .from(orgUnits)
      .where(inArray(orgUnits.id, [...new Set(rows.map((r) => r.orgUnitId))])),
    db
      .select({ noticeId: noticeReads.noticeId })
      .from(noticeReads)
      .where(and(eq(noticeReads.userId, p.userId), inArray(noticeReads.noticeId, ids))),
    fileRows(db, [...new Set(rows.flatMap((r) => r.attachmentFileIds))]),
  ]);
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const read = new Set(reads.map((r) => r.noticeId));
  const filesById = new Map(fileList.map((f) => [f.id, f]));
  return rows.map((n) => ({
    id: n.id,
    orgUnitId: n.orgUnitId,
    orgUnitName: unitNames.get(n.orgUnitId) ?? '',
    kind: n.kind,
    title: n.title,
    body: n.body,
    summary: summaryOf(n.body),
    coverFileId: n.coverFileId,
    attachments: n.attachmentFileIds.flatMap((id) => {
      const f = filesById.get(id);
      return f ? [{ id: f.id, name: f.name, contentType: f.contentType }] : [];
    }),
    pinned: n.pinned,
    status: n.status,
    publishedAt: n.publishedAt?.toISOString() ?? null,
    authorName: n.authorName,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    read: read.has(n.id),
  }));
}

/** Files the cover and attachments with the notice (uploaded by the caller, not filed elsewhere). */
async function fileUploads(
  tx: DbOrTx,
  p: Principal,
  noticeId: string,
  orgPath: string,
  cover: string | null | undefined,
  attachments: string[] | undefined,
) {
  const opts = { uploaderId: p.userId, instanceId: noticeId, orgPath };
  if (cover) await claimFiles(tx, [cover], { ...opts, kinds: ['image'], label: 'coverFileId' });
  if (attachments?.length)
    await claimFiles(tx, attachments, {
      ...opts,
      kinds: ['image', 'document'] as FileKind[],
      label: 'attachmentFileIds',
    });
}

/** Writes a notice as a draft (or published at once). Used by the route, the demo seed and the matrix. */
export async function createNotice(
  s: Services,
  p: Principal,
  input: CreateNotice & { publish?: boolean },
): Promise<NoticeRow> {
  requirePermission(p, 'notices', 'manage');
  const { publish, ...fields } = input;
  const body = CreateNotice.parse(fields);
  const unit = await getOrgUnit(s.db, body.orgUnitId);
  if (unit.kind !== 'community' && unit.kind !== 'street')
    throw badRequest(`orgUnitId: ${unit.name} is a ${unit.kind}; a notice is for a community or a street`);
  authorize(p, 'notices', 'manage', { orgPath: unit.path }, 'Org unit', unit.id);
  const id = randomUUID();
  const now = s.now();
  return s.db.transaction(async (tx) => {
    await fileUploads(tx, p, id, unit.path, body.coverFileId, body.attachmentFileIds);
    const [row] = await tx
      .insert(notices)
      .values({
        id,
        orgUnitId: unit.id,
        orgPath: unit.path,
        kind: body.kind,
        title: body.title,
        body: body.body,
        pinned: body.pinned,
        coverFileId: body.coverFileId ?? null,
        attachmentFileIds: body.attachmentFileIds,
        status: publish ? 'published' : 'draft',
        publishedAt: publish ? now : null,
        authorUserId: p.userId,
        authorName: p.displayName,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row!;
  });
}

/** A notice the caller manages (404 outside their area, 403 when they may only read it). */
async function managedNotice(s: Services, p: Principal, id: string): Promise<NoticeRow> {
  requirePermission(p, 'notices', 'manage');
  const n = await getNotice(s.db, id);
  if (!pathInScope(scopeFor(p, 'notices', 'manage'), n.orgPath)) {
    if (await mayRead(s.db, p, n)) throw forbidden('You may not change this notice');
    throw notFound('Notice', id);
  }
  return n;
}

async function setStatus(s: Services, n: NoticeRow, status: NoticeRow['status']): Promise<NoticeRow> {
  const now = s.now();
  const [row] = await s.db
    .update(notices)
    .set({
      status,
      updatedAt: now,
      ...(status === 'published' ? { publishedAt: now } : {}),
    })
    .where(and(eq(notices.id, n.id), eq(notices.status, n.status)))
    .returning();
  if (!row) throw conflict('The notice was changed meanwhile; reload it');
  return row;
}

const listNotices = defineRoute({
  method: 'get',
  path: '/notices',
  summary:
    'List notices: published ones of your communities, pinned and newest first; admins also drafts and withdrawn ones of their area',
  tag: 'notices',
  auth: 'user',
  query: NoticeQuery,
  response: pageSchema(Notice),
  handler: async ({ query: q, principal, services: s }) => {
    const manage = scopeFor(principal, 'notices', 'manage');
    const manager = manage.prefixes.length > 0 || manage.any;
    if (q.status && q.status !== 'published' && !manager)
      throw forbidden('status: only admins who write notices see drafts and withdrawn notices');
    const managing = manager && q.status !== 'published';
    const visible = managing
      ? and(scopeCondition(manage, notices.orgPath), q.status ? eq(notices.status, q.status) : undefined)
      : await readableCondition(s.db, principal);
    const where = and(
      visible,
      q.kind ? eq(notices.kind, q.kind) : undefined,
      q.orgUnitId ? eq(notices.orgUnitId, q.orgUnitId) : undefined,
      q.q
        ? or(ilike(notices.title, `%${escapeLike(q.q)}%`), ilike(notices.body, `%${escapeLike(q.q)}%`))
        : undefined,
    );
    const page = await pageOf(s.db, notices, where, q, (offset, limit) =>
      s.db
        .select()
        .from(notices)
        .where(where)
        .orderBy(
          desc(notices.pinned),
          desc(sql`coalesce(${notices.publishedAt}, ${notices.updatedAt})`),
          desc(notices.id),
        )
        .offset(offset)
        .limit(limit),
    );
    return { ...page, items: await present(s.db, principal, page.items) };
  },
});

const getNoticeRoute = defineRoute({
  method: 'get',
  path: '/notices/:id',
  summary: 'Read a notice (marks it read for you)',
  tag: 'notices',
  auth: 'user',
  params: IdParams,
  response: Notice,
  matrix: { target: 'notice' },
  handler: async ({ params, principal, services: s }) => {
    const n = await readableNotice(s.db, principal, params.id);
    if (n.status === 'published')
      await s.db
        .insert(noticeReads)
        .values({ noticeId: n.id, userId: principal.userId })
        .onConflictDoNothing();
    return (await present(s.db, principal, [n]))[0];
  },
});

const getCover = defineRoute({
  method: 'get',
  path: '/notices/:id/cover',
  summary: "The notice's cover image, for whoever may read the notice",
  tag: 'notices',
  auth: 'user',
  params: IdParams,
  matrix: { target: 'notice' },
  handler: async ({ params, principal, services: s, koa }) => {
    const n = await readableNotice(s.db, principal, params.id);
    const [file] = n.coverFileId ? await fileRows(s.db, [n.coverFileId]) : [];
    if (!file) throw notFound('Cover image of notice', n.id);
    koa.set('content-type', file.contentType);
    koa.set('cache-control', 'private, max-age=86400');
    return s.files.get(file.storageKey);
  },
});

const createNoticeRoute = defineRoute({
  method: 'post',
  path: '/notices',
  summary: 'Write a notice or party-building news item as a draft, for a community or a street',
  tag: 'notices',
  auth: 'user',
  body: CreateNotice,
  status: 201,
  response: Notice,
  matrix: {
    body: (fx) => ({ orgUnitId: fx.community, kind: 'notice', title: '停水通知', body: '明日停水。' }),
  },
  handler: async ({ body, principal, services: s }) => {
    const row = await createNotice(s, principal, body);
    return (await present(s.db, principal, [row]))[0];
  },
});

const updateNotice = defineRoute({
  method: 'patch',
  path: '/notices/:id',
  summary: 'Edit a notice (a withdrawn one too, to correct it before publishing it again)',
  tag: 'notices',
  auth: 'user',
  params: IdParams,
  body: UpdateNotice,
  response: Notice,
  matrix: { target: 'notice', body: () => ({ pinned: true }) },
  handler: async ({ params, body, principal, services: s }) => {
    const n = await managedNotice(s, principal, params.id);
    const row = await s.db.transaction(async (tx) => {
      const newCover = body.coverFileId && body.coverFileId !== n.coverFileId ? body.coverFileId : undefined;
      const newAttachments = body.attachmentFileIds?.filter((id) => !n.attachmentFileIds.includes(id));
      await fileUploads(tx, principal, n.id, n.orgPath, newCover, newAttachments);
      const [updated] = await tx
        .update(notices)
        .set({ ...body, updatedAt: s.now() })
        .where(eq(notices.id, n.id))
        .returning();
      return updated!;
    });
    return (await present(s.db, principal, [row]))[0];
  },
});

const publishNotice = defineRoute({
  method: 'post',
  path: '/notices/:id/publish',
  summary: 'Publish a draft (or a withdrawn notice again): its readers see it from now on',
  tag: 'notices',
  auth: 'user',
  params: IdParams,
  response: Notice,
  matrix: { target: 'noticeDraft' },
  handler: async ({ params, principal, services: s }) => {
    const n = await managedNotice(s, principal, params.id);
    if (n.status === 'published') throw conflict('The notice is already published');
    return (await present(s.db, principal, [await setStatus(s, n, 'published')]))[0];
  },
});

const withdrawNotice = defineRoute({
  method: 'post',
  path: '/notices/:id/withdraw',
  summary: 'Withdraw a published notice: readers no longer see it',
  tag: 'notices',
  auth: 'user',
  params: IdParams,
  response: Notice,
  matrix: { target: 'noticeToWithdraw' },
  handler: async ({ params, principal, services: s }) => {
    const n = await managedNotice(s, principal, params.id);
    if (n.status !== 'published')
      throw conflict(`Only a published notice can be withdrawn (it is ${n.status})`);
    return (await present(s.db, principal, [await setStatus(s, n, 'withdrawn')]))[0];
  },
});

const deleteNotice = defineRoute({
  method: 'delete',
  path: '/notices/:id',
  summary: 'Delete a draft (published notices are withdrawn, not deleted)',
  tag: 'notices',
  auth: 'user',
  params: IdParams,
  response: Notice,
  matrix: { target: 'noticeToWithdraw' },
  handler: async ({ params, principal, services: s }) => {
    const n = await managedNotice(s, principal, params.id);
    if (n.status !== 'draft')
      throw conflict('Only drafts can be deleted; withdraw a published notice instead');
    const [shown] = await present(s.db, principal, [n]);
    await s.db.delete(notices).where(and(eq(notices.id, n.id), eq(notices.status, 'draft')));
    return shown;
  },
});

export const noticeRoutes: RouteDef[] = [
  listNotices,
  createNoticeRoute,
  getNoticeRoute,
  getCover,
  updateNotice,
  publishNotice,
  withdrawNotice,
  deleteNotice,
];
