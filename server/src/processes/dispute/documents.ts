// Documents built from a case: the mediation agreement (人民调解协议书) and the case record (调解卷宗) that goes
// with a referral. Both are zh-CN HTML pages (printable, A4), stored as files and linked from the dispute.
// Phones appear masked; the full numbers stay in the vault.
import { eq } from 'drizzle-orm';
import { files, orgUnits, users } from '../../db/schema.js';
import type { Services } from '../../services.js';
import {
  CATEGORY_NAMES,
  SOURCE_NAMES,
  partiesOf,
  sessionsOf,
  type DisputeRow,
  type PartyRow,
} from './domain.js';

const ROLE_NAMES: Record<string, string> = {
  applicant: '申请人',
  respondent: '被申请人',
  third_party: '第三人',
};

const esc = (v: unknown) =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** 2026年11月23日 in China time */
export function chineseDate(d: Date): string {
  const local = new Date(d.getTime() + 8 * 3_600_000);
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
  @page { size: A4; margin: 25mm 20mm; }
  body { font-family: "SimSun", "Songti SC", serif; font-size: 15px; line-height: 1.9; color: #000; }
  h1 { text-align: center; font-size: 24px; letter-spacing: 4px; margin-bottom: 4px; }
  .no { text-align: right; margin-bottom: 16px; }
  h2 { font-size: 16px; margin: 18px 0 6px; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border: 1px solid #000; padding: 4px 8px; vertical-align: top; }
  .sign td { height: 56px; }
  .foot { margin-top: 32px; text-align: right; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function partyLines(parties: PartyRow[]): string {
  return parties
    .map(
      (x) =>
        `<p>${ROLE_NAMES[x.role] ?? '当事人'}：${esc(x.name)}${x.phoneMasked ? `，联系电话：${esc(x.phoneMasked)}` : ''}${
          x.address ? `，住址：${esc(x.address)}` : ''
        }</p>`,
    )
    .join('\n');
}

async function context(s: Services, d: DisputeRow) {
  const [community] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, d.communityId));
  const [mediator] = d.mediatorId
    ? await s.db.select({ name: users.displayName }).from(users).where(eq(users.id, d.mediatorId))
    : [];
  return {
    committee: `${community?.name ?? ''}人民调解委员会`,
    mediator: mediator?.name ?? '',
    parties: await partiesOf(s.db, d.id),
  };
}

export async function agreementHtml(s: Services, d: DisputeRow): Promise<string> {
  const { committee, mediator, parties } = await context(s, d);
  const terms = (d.terms ?? []).map((t, i) => `<p>${i + 1}. ${esc(t)}</p>`).join('\n');
  const signRows = parties
    .map(
      (x) =>
        `<tr><td>${ROLE_NAMES[x.role] ?? '当事人'}：${esc(x.name)}</td><td>（签名）</td><td>年&#12288;&#12288;月&#12288;&#12288;日</td></tr>`,
    )
    .join('\n');
  return page(
    '人民调解协议书',
    `<h1>人民调解协议书</h1>
<p class="no">${esc(d.caseNo)}</p>
${partyLines(parties)}
<h2>纠纷主要事实、争议事项</h2>
<p>纠纷类型：${esc(CATEGORY_NAMES[d.category ?? ''] ?? '其他纠纷')}。${esc(d.title)}</p>
<p>${esc(d.description)}</p>
<h2>经调解，自愿达成如下协议</h2>
${terms}
<h2>履行方式、时限</h2>
<p>各方当事人应按上述约定自行履行。本调解委员会将于协议签订后三十日内进行回访，了解协议履行情况。</p>
<p>本协议经各方当事人签名、调解员签名并加盖人民调解委员会印章后生效。依照《中华人民共和国人民调解法》第三十一条、第三十三条，经人民调解委员会调解达成的调解协议具有法律约束力，当事人应当按照约定履行；双方当事人可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。</p>
<p>本协议一式${parties.length + 1}份，当事人各执一份，人民调解委员会留存一份。</p>
<table class="sign">
${signRows}
<tr><td>调解员：${esc(mediator)}</td><td>（签名）</td><td>年&#12288;&#12288;月&#12288;&#12288;日</td></tr>
</table>
<p class="foot">${esc(committee)}（印章）<br>${chineseDate(s.now())}</p>`,
  );
}

export async function recordHtml(s: Services, d: DisputeRow): Promise<string> {
  const { committee, mediator, parties } = await context(s, d);
  const sessions = await sessionsOf(s.db, d.id);
  const rows = sessions
    .map(
      (x) =>
        `<tr><td>第${x.seq}次</td><td>${chineseDate(x.heldAt)}</td><td>${esc(x.place)}</td><td>${esc(
          x.attendees.join('、'),
        )}</td><td>${esc(x.notes)}</td></tr>`,
    )
    .join('\n');
  const where =
    d.referral === 'street'
      ? '移交街道人民调解委员会继续调解'
      : d.referral === 'court'
        ? '告知当事人可依法向人民法院提起诉讼'
        : '';
  return page(
    '人民调解卷宗',
    `<h1>人民调解卷宗</h1>
<p class="no">${esc(d.caseNo)}</p>
<table>
<tr><th>案件来源</th><td>${esc(SOURCE_NAMES[d.source])}${d.hotlineTicket ? `（热线工单号 ${esc(d.hotlineTicket)}）` : ''}</td></tr>
<tr><th>登记日期</th><td>${chineseDate(d.createdAt)}</td></tr>
<tr><th>受理日期</th><td>${d.acceptedAt ? chineseDate(d.acceptedAt) : ''}</td></tr>
<tr><th>纠纷类型</th><td>${esc(CATEGORY_NAMES[d.category ?? ''] ?? '其他纠纷')}</td></tr>
<tr><th>调解员</th><td>${esc(mediator)}</td></tr>
</table>
<h2>当事人</h2>
${partyLines(parties)}
<h2>纠纷简要情况</h2>
<p>${esc(d.title)}</p>
<p>${esc(d.description)}</p>
<h2>调解过程</h2>
<table>
<tr><th>次数</th><th>日期</th><th>地点</th><th>参加人</th><th>调解情况</th></tr>
${rows}
</table>
<h2>调解结果</h2>
<p>经${sessions.length}次调解，当事人未能达成调解协议。${esc(d.outcomeReason ?? '')}</p>
<p>处理意见：${where}。</p>
<p class="foot">${esc(committee)}<br>${chineseDate(s.now())}</p>`,
  );
}

/** Stores a generated document as a file of the case; returns its id. */
export async function storeDocument(
  s: Services,
  d: DisputeRow,
  name: string,
  html: string,
  by: string,
): Promise<string> {
  const data = Buffer.from(html, 'utf8');
  const stored = await s.files.put(data);
  const [row] = await s.db
    .insert(files)
    .values({
      name,
      kind: 'document',
      contentType: 'text/html; charset=utf-8',
      size: data.length,
      sha256: stored.sha256,
      storageKey: stored.key,
      uploadedBy: by,
      instanceId: d.instanceId,
      // no org path: only the dispute's own routes (and its parties' entitlement) reach it
      orgPath: '',
    })
    .returning();
  return row!.id;
}
