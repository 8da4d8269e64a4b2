// Imports: the community office uploads the register it already keeps (xlsx or CSV) and gets every bad row
// back at once, or the whole file imported in one transaction.
import { z } from 'zod';
import { ImportQuery, ImportReport } from '@linli/contracts';
import { defineRoute, type RouteDef } from '../http/route.js';
import { authorize, requirePermission } from '../policy/policy.js';
import { importResidents, loadCommunity } from '../imports/residents.js';
import { importRooms } from '../imports/rooms.js';

/** A one-row register for the authorisation matrix (a dry run, so it writes nothing but the run record). */
const MATRIX_CSV = [
  '姓名,性别,身份证号,联系电话,小区,楼栋,单元,房号,与户关系',
  '张三,女,11010519491231002X,13800138000,矩阵小区,1号楼,1单元,101,户主',
].join('\n');

const importResidentsRoute = defineRoute({
  method: 'post',
  path: '/imports/residents',
  summary: 'Import residents, rooms and household bindings from an xlsx or CSV file',
  tag: 'imports',
  auth: 'user',
  query: ImportQuery,
  body: z.object({ contentType: z.string(), data: z.instanceof(Buffer) }),
  bodyKind: 'raw',
  rawTypes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  response: ImportReport,
  matrix: {
    target: 'community',
    query: (fx) => ({ communityId: fx.community!, dryRun: 'true' }),
    body: () => MATRIX_CSV,
  },
  handler: async ({ query, body, principal, services: s, requestId, koa }) => {
    // roles that may not import at all hear so before learning whether the community exists
    requirePermission(principal, 'imports', 'create');
    const community = await loadCommunity(s.db, query.communityId);
    authorize(principal, 'imports', 'create', { orgPath: community.path }, 'Community', community.id);
    const report = await importResidents(s, {
      communityId: community.id,
      data: body.data,
      contentType: body.contentType,
      fileName: query.fileName,
      dryRun: query.dryRun,
      actorUserId: principal.userId,
      requestId,
    });
    if (report.status === 'imported') koa.state.successStatus = 201;
    return report;
  },
});

/** A one-row housing list for the authorisation matrix (a dry run). */
const MATRIX_ROOMS_CSV = ['小区,楼栋,单元,房号,面积,用途', '矩阵小区,1号楼,1单元,101,89.5,住宅'].join('\n');

const importRoomsRoute = defineRoute({
  method: 'post',
  path: '/imports/rooms',
  summary: 'Import rooms (and the compounds, buildings and units they need) from an xlsx or CSV file',
  tag: 'imports',
  auth: 'user',
  query: ImportQuery,
  body: z.object({ contentType: z.string(), data: z.instanceof(Buffer) }),
  bodyKind: 'raw',
  rawTypes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  response: ImportReport,
  matrix: {
    target: 'community',
    query: (fx) => ({ communityId: fx.community!, dryRun: 'true' }),
    body: () => MATRIX_ROOMS_CSV,
  },
  handler: async ({ query, body, principal, services: s, requestId, koa }) => {
    requirePermission(principal, 'imports', 'create');
    const community = await loadCommunity(s.db, query.communityId);
    authorize(principal, 'imports', 'create', { orgPath: community.path }, 'Community', community.id);
    const report = await importRooms(s, {
      communityId: community.id,
      data: body.data,
      contentType: body.contentType,
      fileName: query.fileName,
      dryRun: query.dryRun,
      actorUserId: principal.userId,
      requestId,
    });
    if (report.status === 'imported') koa.state.successStatus = 201;
    return report;
  },
});

export const importRoutes: RouteDef[] = [importResidentsRoute, importRoomsRoute];
