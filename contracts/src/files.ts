// Files attached to cases: photos, voice notes, signatures and documents. A client uploads the bytes first
// (POST /files, the file as the body) and then names the returned ids in the case it files.
import { z } from 'zod';
import { Id } from './common.js';

export const FILE_KINDS = ['image', 'audio', 'document'] as const;
export const FileKind = z.enum(FILE_KINDS);
export type FileKind = z.infer<typeof FileKind>;

/** content types accepted by POST /files, and what they count as */
export const FILE_TYPES: Record<string, FileKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/aac': 'audio',
  'audio/amr': 'audio',
  'audio/silk': 'audio',
  // what browsers' MediaRecorder writes (the mini-program's browser build records voice notes in it)
  'audio/webm': 'audio',
  'application/pdf': 'document',
};

export const UploadQuery = z.strictObject({
  /** the file's name as the user knows it (shown in timelines) */
  name: z.string().trim().min(1).max(200).optional(),
});

export const FileInfo = z.object({
  id: Id,
  name: z.string(),
  kind: FileKind,
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  /** path of the download below /api/v1 */
  url: z.string(),
  createdAt: z.string(),
});
export type FileInfo = z.infer<typeof FileInfo>;

/** up to 9 photos, as WeChat's image picker allows */
export const PhotoIds = z.array(Id).max(9, 'at most 9 photos').default([]);
