// Disputes in each state, made through the domain functions (no HTTP), for the authorisation matrix and
// the tests: registered, accepted (mediating), with a session, and at the signing step.
import type { Services } from '../../services.js';
import { files } from '../../db/schema.js';
import { loadPrincipal, type Principal } from '../../policy/principal.js';
import { readBundledProcess } from '../deploy.js';
import { completeAs, openTaskAt, partiesOf, registerDispute, touch, type DisputeRow } from './domain.js';
import { disputeSessions } from './schema.js';

export async function deployDispute(s: Services): Promise<void> {
  await s.workflow.runtime.deploy(await readBundledProcess('dispute-mediation.bpmn'), null);
}

async function principal(s: Services, userId: string): Promise<Principal> {
  const p = await loadPrincipal(s.db, userId);
  if (!p) throw new Error(`no user ${userId}`);
  return p;
}

export interface Cast {
  resident: string;
  admin: string;
  mediator: string;
}

/** registered by the resident against a neighbour (with a phone, so that reveal has something to show) */
export async function registeredDispute(
  s: Services,
  cast: Cast,
  phone: string,
  fileIds: string[] = [],
): Promise<DisputeRow> {
  const p = await principal(s, cast.resident);
  const { dispute } = await registerDispute(s, p, {
    source: 'resident',
    title: '楼上漏水邻里纠纷',
    description: '楼上卫生间漏水浸湿我家天花板，多次上门沟通未果，请社区调解。',
    category: 'neighbour',
    parties: [{ name: '王建国', role: 'respondent', phone, address: '1号楼1单元201室' }],
    fileIds,
  });
  return dispute;
}

export async function acceptedDispute(s: Services, d: DisputeRow, cast: Cast): Promise<DisputeRow> {
  const admin = await principal(s, cast.admin);
  const task = await openTaskAt(s, d, ['Task_Accept'], 'acceptance');
  await completeAs(s, admin, task, true, {
    variables: { decision: 'accept', mediatorId: cast.mediator, category: 'neighbour' },
    outcome: 'accept',
  });
  const now = s.now();
  return touch(
    s.db,
    d.id,
    {
      status: 'mediating',
      mediatorId: cast.mediator,
      category: 'neighbour',
      acceptedBy: admin.userId,
      acceptedAt: now,
    },
    now,
  );
}

export async function withSession(s: Services, d: DisputeRow, cast: Cast): Promise<DisputeRow> {
  await s.db.insert(disputeSessions).values({
    disputeId: d.id,
    seq: 1,
    heldAt: s.now(),
    place: '社区调解室',
    attendees: ['张某', '王建国'],
    notes: '双方陈述了漏水经过。',
    recordedBy: cast.mediator,
  });
  return d;
}

export async function signingDispute(s: Services, d: DisputeRow, cast: Cast): Promise<DisputeRow> {
  const mediator = await principal(s, cast.mediator);
  await touch(s.db, d.id, { outcome: 'agreement', terms: ['王建国于十日内修复卫生间防水。'] }, s.now());
  const task = await openTaskAt(s, d, ['Task_Mediate'], 'outcome');
  await completeAs(s, mediator, task, false, {
    variables: { mediationResult: 'agreement' },
    outcome: 'agreement',
  });
  return d;
}

/** an image uploaded (not yet filed) by a user */
export async function uploadedImage(s: Services, userId: string, name = '签名.png'): Promise<string> {
  const png = Buffer.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    0x0d,
    ...Buffer.from(userId),
  ]);
  const stored = await s.files.put(png);
  const [row] = await s.db
    .insert(files)
    .values({
      name,
      kind: 'image',
      contentType: 'image/png',
      size: png.length,
      sha256: stored.sha256,
      storageKey: stored.key,
      uploadedBy: userId,
    })
    .returning();
  return row!.id;
}

export { partiesOf };
