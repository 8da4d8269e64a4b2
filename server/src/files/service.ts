// Uploading, filing and reading case files. An upload is checked twice: its declared content type must be
// one the product accepts, and its first bytes must really be that kind of file (a renamed .exe is refused).
// A file belongs to its uploader until a case names it (claimFiles); from then on whoever may read the case
// may read the file.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { FILE_TYPES, type FileInfo, type FileKind } from '@linli/contracts';
import type { DbOrTx } from '../db/client.js';
import { ApiError, badRequest, notFound } from '../http/errors.js';
import type { Principal } from '../policy/principal.js';
import { pathInScope, scopeFor } from '../policy/policy.js';
import type { Services } from '../services.js';
import { files } from './schema.js';

/** per kind: the largest file accepted */
export const MAX_BYTES: Record<FileKind, number> = {
  image: 10 * 1024 * 1024,
  audio: 5 * 1024 * 1024,
  document: 20 * 1024 * 1024,
};

const ascii = (data: Buffer, at: number, text: string) =>
  data.subarray(at, at + text.length).toString('latin1') === text;

/** Does the content look like the declared type? (magic numbers of each accepted format) */
export function looksLike(contentType: string, data: Buffer): boolean {
  switch (contentType) {
    case 'image/jpeg':
      return data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
    case 'image/png':
      return data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/webp':
      return ascii(data, 0, 'RIFF') && ascii(data, 8, 'WEBP');
    case 'audio/mpeg':
      return ascii(data, 0, 'ID3') || (data[0] === 0xff && ((data[1] ?? 0) & 0xe0) === 0xe0);
    case 'audio/mp4':
      return ascii(data, 4, 'ftyp');
    case 'audio/aac':
      return (data[0] === 0xff && ((data[1] ?? 0) & 0xf6) === 0xf0) || ascii(data, 4, 'ftyp');
    case 'audio/amr':
      return ascii(data, 0, '#!AMR');
    case 'audio/silk':
      // WeChat voice notes: "#!SILK_V3", sometimes after one 0x02 byte
      return ascii(data, 0, '#!SILK') || ascii(data, 1, '#!SILK');
    case 'audio/webm':
      // a Matroska/WebM file starts with the EBML header
      return data.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    case 'application/pdf':
      return ascii(data, 0, '%PDF-');
    default:
      return false;
  }
}

type FileRow = typeof files.$inferSelect;

export function presentFile(row: FileRow): FileInfo {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    url: `/files/${row.id}`,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function uploadFile(
  s: Services,
  p: Principal,
  upload: { contentType: string; data: Buffer; name?: string | undefined },
): Promise<FileInfo> {
  const kind = FILE_TYPES[upload.contentType];
  if (!kind)
    throw new ApiError(415, 'unsupported_media_type', `Files of type ${upload.contentType} are not accepted`);
  if (upload.data.length === 0) throw badRequest('The file is empty');
  if (upload.data.length > MAX_BYTES[kind]) {
    throw new ApiError(
      413,
      'payload_too_large',
      `A file of kind ${kind} may be at most ${MAX_BYTES[kind] / 1024 / 1024} MB`,
    );
  }
  if (!looksLike(upload.contentType, upload.data)) {
    throw badRequest(`The content is not a valid ${upload.contentType} file`);
  }
  const { key, sha256 } = await s.files.put(upload.data);
  const ext = upload.contentType.split('/')[1] ?? 'bin';
  const [row] = await s.db
    .insert(files)
    .values({
      name: upload.name ?? `${kind}-${sha256.slice(0, 8)}.${ext}`,
      kind,
      contentType: upload.contentType,
      size: upload.data.length,
      sha256,
      storageKey: key,
      uploadedBy: p.userId,
    })
    .returning();
  return presentFile(row!);
}

/**
 * Files a set of uploads with a case: each must exist, be uploaded by `uploaderId` and not belong to another
 * case yet (naming the same file twice in one case is fine). Throws 400 naming the bad ids; changes nothing then.
 * Run it in the transaction that creates the case's domain record.
 */
export async function claimFiles(
  tx: DbOrTx,
  fileIds: readonly string[],
  opts: {
    uploaderId: string;
    instanceId: string;
    orgPath: string;
    /** only these kinds are accepted (e.g. ['image'] for photos) */
    kinds?: readonly FileKind[];
    /** what the ids are, for error messages ("photos", "voice note") */
    label?: string;
  },
): Promise<FileRow[]> {
  const ids = [...new Set(fileIds)];
  if (!ids.length) return [];
  const rows = await tx.select().from(files).where(inArray(files.id, ids));
  const label = opts.label ?? 'files';
  const bad = ids.filter((id) => {
    const row = rows.find((r) => r.id === id);
    return (
      !row ||
      row.uploadedBy !== opts.uploaderId ||
      (row.instanceId !== null && row.instanceId !== opts.instanceId) ||
      (opts.kinds && !opts.kinds.includes(row.kind))
    );
  });
  if (bad.length) {
    throw badRequest(
      `${label}: ${bad.join(', ')} ${bad.length === 1 ? 'is not a file' : 'are not files'} you uploaded${
        opts.kinds ? ` of kind ${opts.kinds.join('/')}` : ''
      } (or already filed with another case)`,
      { fileIds: bad },
    );
  }
  await tx
    .update(files)
    .set({ instanceId: opts.instanceId, orgPath: opts.orgPath })
    .where(and(inArray(files.id, ids), isNull(files.instanceId)));
  return rows;
}

export async function fileRows(db: DbOrTx, ids: readonly string[]): Promise<FileRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(files)
    .where(inArray(files.id, [...ids]));
}

/**
 * Reads a file for the caller: the uploader always; otherwise a file filed with a case is readable by those
 * who may read that case (`mayReadCase`, the process's own rule, e.g. dispute parties), or by staff whose
 * `files.read` scope covers the case. Anything else is 404, as if it did not exist.
 */
export async function readFileFor(
  s: Services,
  p: Principal,
  id: string,
  mayReadCase: (instanceId: string) => Promise<boolean>,
): Promise<{ row: FileRow; data: Buffer }> {
  const [row] = await s.db.select().from(files).where(eq(files.id, id));
  if (!row) throw notFound('File', id);
  let ok = row.uploadedBy === p.userId;
  if (!ok && row.instanceId) {
    ok =
      (row.orgPath !== null && pathInScope(scopeFor(p, 'files', 'read'), row.orgPath)) ||
      (await mayReadCase(row.instanceId));
  }
  if (!ok) throw notFound('File', id);
  return { row, data: await s.files.get(row.storageKey) };
}
