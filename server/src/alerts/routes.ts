// The ingest endpoints the device-bridge posts to (signed with the bridge's secret, no user session):
//   POST /api/v1/device-snapshots   raw image bytes → { fileId, sha256, size, contentType } (idempotent by
//                                   bridge + sha256: the same bytes again answer the same file, 200)
//   POST /api/v1/device-events      a DeviceEventBatch → one result per event, in order
// Whole-request errors answer { error: { id, code, message } }: 401 unknown_bridge | stale_timestamp |
// bad_signature | replayed, 400 a body that is not a valid batch (the first problem, with its path), 413 over
// 5 MB, 503 when the database is not reachable. Nothing is stored then.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type Koa from 'koa';
import { DeviceEventBatch, DeviceEventBatchResult } from '@linli/contracts';
import { files } from '../db/schema.js';
import { readRaw } from '../http/body.js';
import { ApiError } from '../http/errors.js';
import { defineRoute, type RouteDef } from '../http/route.js';
import { looksLike } from '../files/service.js';
import type { Services } from '../services.js';
import { ingestBatch } from './ingest.js';
import { deviceSnapshots } from './schema.js';
import { IngestError, useSignature, verifyBridge } from './signing.js';

export const INGEST_LIMIT_BYTES = 5 * 1024 * 1024;
/** files.uploaded_by of device snapshots: no person uploaded them, so /files/:id serves them to nobody */
export const DEVICE_UPLOADER = '00000000-0000-4000-8000-00000000de71';

function fail(koa: Koa.Context, status: number, code: string, message: string) {
  koa.state.successStatus = status;
  return { error: { id: code, code, message } };
}

async function guarded(koa: Koa.Context, s: Services, work: () => Promise<unknown>): Promise<unknown> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof IngestError) return fail(koa, err.status, err.code, err.message);
    if (err instanceof ApiError) return fail(koa, err.status, err.id, err.message);
    s.logger.error({ err }, 'device ingest failed');
    return fail(
      koa,
      503,
      'not_ready',
      'The server cannot store device events right now; send them again later',
    );
  }
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

const events = defineRoute({
  method: 'post',
  path: '/device-events',
  summary:
    'Device bridges: a signed batch of 1–500 device events (X-Linli-Bridge, X-Linli-Timestamp, X-Linli-Signature); one result per event',
  tag: 'devices',
  auth: 'public',
  response: DeviceEventBatchResult,
  handler: async ({ services: s, koa }) =>
    guarded(koa, s, async () => {
      const raw = await readRaw(koa, INGEST_LIMIT_BYTES);
      const bridge = await verifyBridge(s, koa, raw);
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        return fail(koa, 400, 'bad_request', `The body is not valid JSON: ${(err as Error).message}`);
      }
      const parsed = DeviceEventBatch.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const where = issuePath(issue.path);
        return fail(koa, 400, 'bad_request', `${where || 'body'}: ${issue.message}`);
      }
      return ingestBatch(s, bridge, parsed.data.events);
    }),
});

const KINDS = ['scene', 'face', 'plate'] as const;
const TYPES = ['image/jpeg', 'image/png'];

const snapshots = defineRoute({
  method: 'post',
  path: '/device-snapshots',
  summary:
    'Device bridges: upload a snapshot (image/jpeg or image/png bytes, X-Linli-Snapshot-Kind scene|face|plate), signed over sha256(body)',
  tag: 'devices',
  auth: 'public',
  status: 201,
  handler: async ({ services: s, koa }) =>
    guarded(koa, s, async () => {
      const raw = await readRaw(koa, INGEST_LIMIT_BYTES);
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const bridge = await verifyBridge(s, koa, sha256);
      const type = (koa.get('content-type').split(';')[0] ?? '').trim().toLowerCase();
      if (!TYPES.includes(type))
        return fail(koa, 400, 'bad_request', `Content-Type must be ${TYPES.join(' or ')}`);
      const kind = (koa.get('x-linli-snapshot-kind') || 'scene') as (typeof KINDS)[number];
      if (!KINDS.includes(kind))
        return fail(koa, 400, 'bad_request', 'X-Linli-Snapshot-Kind must be scene, face or plate');
      if (!raw.length || !looksLike(type, raw))
        return fail(koa, 400, 'bad_request', `The body is not a valid ${type} image`);
      const existing = async () => {
        const [row] = await s.db
          .select({ fileId: deviceSnapshots.fileId, size: files.size, contentType: files.contentType })
          .from(deviceSnapshots)
          .innerJoin(files, eq(files.id, deviceSnapshots.fileId))
          .where(and(eq(deviceSnapshots.bridgeId, bridge.id), eq(deviceSnapshots.sha256, sha256)));
        return row;
      };
      const before = await existing();
      if (before) {
        await useSignature(s.db, bridge, s.now());
        koa.state.successStatus = 200;
        return { fileId: before.fileId, sha256, size: before.size, contentType: before.contentType };
      }
      const stored = await s.files.put(raw);
      const result = await s.db.transaction(async (tx) => {
        await useSignature(tx, bridge, s.now());
        const [file] = await tx
          .insert(files)
          .values({
            name: `snapshot-${kind}-${sha256.slice(0, 8)}.${type === 'image/png' ? 'png' : 'jpg'}`,
            kind: 'image',
            contentType: type,
            size: raw.length,
            sha256,
            storageKey: stored.key,
            uploadedBy: DEVICE_UPLOADER,
          })
          .returning();
        const [snap] = await tx
          .insert(deviceSnapshots)
          .values({ fileId: file!.id, bridgeId: bridge.id, sha256, kind, createdAt: s.now() })
          .onConflictDoNothing()
          .returning();
        if (!snap) {
          await tx.delete(files).where(eq(files.id, file!.id));
          return null;
        }
        return { fileId: file!.id, sha256, size: raw.length, contentType: type };
      });
      if (result) return result;
      const raced = await existing();
      koa.state.successStatus = 200;
      return { fileId: raced!.fileId, sha256, size: raced!.size, contentType: raced!.contentType };
    }),
});

export const ingestRoutes: RouteDef[] = [events, snapshots];
