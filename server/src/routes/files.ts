// Files: upload the bytes first, then name the returned id in a case (repair photos, a voice note, signed
// agreements). Downloads are for the uploader and for whoever may read the case the file was filed with.
import { FILE_TYPES, FileInfo, IdParams, UploadQuery } from '@linli/contracts';
import { z } from 'zod';
import { defineRoute, type RouteDef } from '../http/route.js';
import { readFileFor, uploadFile } from '../files/service.js';
import { loadCase } from '../workflow/cases.js';
import { ApiError } from '../http/errors.js';
import { moduleMayReadCase } from '../processes/ownership.js';

/** the smallest valid JPEG header, for the authorisation matrix */
const MATRIX_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

const upload = defineRoute({
  method: 'post',
  path: '/files',
  summary: 'Upload a photo, voice note or document (the file is the body); name its id in a case afterwards',
  tag: 'files',
  auth: 'user',
  query: UploadQuery,
  body: z.object({ contentType: z.string(), data: z.instanceof(Buffer) }),
  bodyKind: 'raw',
  rawTypes: Object.keys(FILE_TYPES),
  status: 201,
  response: FileInfo,
  matrix: { body: () => MATRIX_JPEG },
  handler: async ({ query, body, principal, services: s }) =>
    uploadFile(s, principal, { ...body, name: query.name }),
});

const download = defineRoute({
  method: 'get',
  path: '/files/:id',
  summary: 'Download a file you uploaded, or one filed with a case you may read',
  tag: 'files',
  auth: 'user',
  params: IdParams,
  matrix: { target: 'file' },
  handler: async ({ params, principal, services: s, koa }) => {
    const { row, data } = await readFileFor(s, principal, params.id, async (instanceId) => {
      try {
        await loadCase(s, principal, instanceId);
        return true;
      } catch (err) {
        if (!(err instanceof ApiError && (err.status === 403 || err.status === 404))) throw err;
      }
      // the process's own readers (the volunteer who did a wish, the parties of a dispute …)
      return moduleMayReadCase(s, principal, instanceId);
    });
    koa.set('content-type', row.contentType);
    koa.set('cache-control', 'private, max-age=86400');
    koa.set('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(row.name)}`);
    return data;
  },
});

export const fileRoutes: RouteDef[] = [upload, download];
