// Demo data for approvals: the catalogue (事项清单) of each demo community (凤凰社区, 龙潭社区) with the items a
// community service station handles — residence certificate, low-income application, elderly allowance,
// disability certificate help, parking permit — their materials, forms and time limits; and, once the
// diagram is deployed, two applications of 凤凰社区's demo resident (one at pre-review, one being handled).
// Idempotent: items are keyed by (community, code); the demo applications are made once.
import { and, eq, inArray, like } from 'drizzle-orm';
import { idNumberCheckDigit } from '@linli/contracts';
import { files, orgUnits, roleAssignments, users } from '../../db/schema.js';
import { loadPrincipal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { accept, preReview, PROCESS_ID, submitApproval } from './cases.js';
import { approvalItems, approvals, type ItemFormField, type ItemMaterial } from './schema.js';

const DEMO_COMMUNITIES = ['凤凰社区', '龙潭社区'];

interface SeedItem {
  code: string;
  name: string;
  description: string;
  materials: ItemMaterial[];
  formFields: ItemFormField[];
  timeLimitDays: number;
  handleGroup: string;
  reviewGroup: string;
  /** handled at the street (民政办, 残联): the handling unit is the street */
  atStreet?: boolean;
}

const phone: ItemFormField = { key: 'phone', label: '联系电话', type: 'phone', required: true };
const idNumber: ItemFormField = {
  key: 'idNumber',
  label: '申请人身份证号',
  type: 'idNumber',
  required: true,
};

export const DEMO_ITEMS: SeedItem[] = [
  {
    code: 'residence-certificate',
    name: '居住证明',
    description:
      '为在本社区实际居住的居民开具居住证明，用于子女入学、就业、银行开户、办理居住证等。网格员入户核实居住情况后出具，加盖社区居委会公章。',
    materials: [
      { name: '居民身份证', required: true, example: '原件拍照或复印件，正反面' },
      { name: '户口簿或房屋产权证明', required: true, example: '户口簿户主页及本人页，或不动产权证书' },
      { name: '房屋租赁合同', required: false, example: '租住人员提供，需出租人签字并附出租人身份证复印件' },
    ],
    formFields: [
      idNumber,
      phone,
      {
        key: 'purpose',
        label: '证明用途',
        type: 'select',
        required: true,
        options: ['子女入学', '就业', '银行开户', '办理居住证', '其他'],
      },
      { key: 'since', label: '在本社区居住起始日期', type: 'date', required: true },
    ],
    timeLimitDays: 3,
    handleGroup: 'grid_worker',
    reviewGroup: 'community_admin',
  },
  {
    code: 'low-income',
    name: '最低生活保障申请（低保）',
    description:
      '家庭人均收入低于当地低保标准且财产状况符合规定的家庭，由户主或家庭成员向户籍所在地社区提出申请。社区受理后入户调查、民主评议并公示，报街道审核确认。',
    materials: [
      { name: '低保申请书', required: true, example: '写明家庭困难原因，申请人签字按手印' },
      { name: '家庭成员身份证及户口簿', required: true, example: '全体共同生活家庭成员' },
      { name: '家庭收入证明', required: true, example: '工资单、退休金证明，无收入的填写无收入声明' },
      { name: '家庭经济状况核对授权书', required: true, example: '全体成年家庭成员签字' },
      { name: '残疾证或病历诊断', required: false, example: '因病、因残申请的提供' },
      { name: '银行卡或社保卡复印件', required: true, example: '户主本人名下' },
    ],
    formFields: [
      idNumber,
      phone,
      { key: 'familySize', label: '共同生活家庭人口', type: 'number', required: true },
      { key: 'monthlyIncome', label: '家庭月总收入（元）', type: 'number', required: true },
      {
        key: 'reason',
        label: '致贫原因',
        type: 'select',
        required: true,
        options: ['因病', '因残', '失业', '年老无劳动能力', '其他'],
      },
      { key: 'situation', label: '家庭情况说明', type: 'text', required: false },
    ],
    timeLimitDays: 30,
    handleGroup: 'grid_worker',
    reviewGroup: 'street_admin',
    atStreet: true,
  },
  {
    code: 'elderly-allowance',
    name: '高龄津贴申领',
    description:
      '具有本市户籍、年满80周岁的老年人可申领高龄津贴，按月发放至本人社保卡。可由子女或社区工作人员代办。',
    materials: [
      { name: '老人身份证', required: true, example: '原件拍照，正反面' },
      { name: '户口簿', required: true, example: '老人本人页' },
      { name: '社保卡或银行卡', required: true, example: '老人本人名下，拍照卡面' },
      { name: '代办人身份证', required: false, example: '子女或亲属代办时提供' },
    ],
    formFields: [
      { key: 'elderIdNumber', label: '老人身份证号', type: 'idNumber', required: true },
      phone,
      {
        key: 'ageBand',
        label: '年龄段',
        type: 'select',
        required: true,
        options: ['80—89周岁', '90—99周岁', '100周岁及以上'],
      },
      { key: 'agent', label: '代办人姓名', type: 'text', required: false },
    ],
    timeLimitDays: 15,
    handleGroup: 'grid_worker',
    reviewGroup: 'street_admin',
    atStreet: true,
  },
  {
    code: 'disability-certificate',
    name: '残疾人证代办',
    description:
      '社区为行动不便的残疾人代办残疾人证申领：收取材料、预约评残医院、送交街道残联审核，证件办好后送证上门。',
    materials: [
      { name: '申请人身份证', required: true, example: '原件拍照，正反面' },
      { name: '户口簿', required: true, example: '本人页' },
      { name: '近期二寸免冠彩色照片', required: true, example: '白底，3张' },
      { name: '医院诊断证明或病历', required: true, example: '二级以上医院出具' },
      { name: '监护人身份证', required: false, example: '智力、精神残疾或未成年人由监护人代办时提供' },
    ],
    formFields: [
      idNumber,
      phone,
      {
        key: 'disabilityType',
        label: '残疾类别',
        type: 'select',
        required: true,
        options: ['视力', '听力', '言语', '肢体', '智力', '精神', '多重'],
      },
      { key: 'guardian', label: '监护人姓名', type: 'text', required: false },
      { key: 'guardianPhone', label: '监护人电话', type: 'phone', required: false },
    ],
    timeLimitDays: 20,
    handleGroup: 'grid_worker',
    reviewGroup: 'community_admin',
    atStreet: true,
  },
  {
    code: 'parking-permit',
    name: '小区停车证办理',
    description: '小区业主或租户办理小区内停车证，每户限办一证。社区核实住户身份和车辆信息后发放。',
    materials: [
      { name: '机动车行驶证', required: true, example: '行驶证正副页，车主须为本人或直系亲属' },
      { name: '机动车驾驶证', required: true, example: '正页' },
      { name: '房产证明或租赁合同', required: true, example: '租户提供租期一年以上的合同' },
    ],
    formFields: [
      { key: 'plate', label: '车牌号', type: 'text', required: true },
      phone,
      {
        key: 'vehicleType',
        label: '车辆类型',
        type: 'select',
        required: true,
        options: ['小型轿车', 'SUV', '新能源汽车'],
      },
    ],
    timeLimitDays: 3,
    handleGroup: 'community_admin',
    reviewGroup: 'community_admin',
  },
];

export async function seedDemo(s: Services): Promise<void> {
  const communities = await s.db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.kind, 'community'), inArray(orgUnits.name, DEMO_COMMUNITIES)));
  for (const community of communities) {
    for (const item of DEMO_ITEMS) {
      await s.db
        .insert(approvalItems)
        .values({
          orgUnitId: community.id,
          orgPath: community.path,
          code: item.code,
          name: item.name,
          description: item.description,
          materials: item.materials,
          formFields: item.formFields,
          timeLimitDays: item.timeLimitDays,
          acceptGroup: 'community_admin',
          handleGroup: item.handleGroup,
          reviewGroup: item.reviewGroup,
          handlingOrgUnitId: item.atStreet ? community.parentId : community.id,
          published: true,
        })
        .onConflictDoNothing();
    }
    if (community.name === '凤凰社区') await demoApplications(s, community.id, community.path);
  }
}

/** the demo resident's applications: a residence certificate being handled, a parking permit at pre-review */
async function demoApplications(s: Services, communityId: string, path: string): Promise<void> {
  if (!(await s.workflow.store.findDefinition({ processId: PROCESS_ID }))) return;
  const [resident] = await s.db.select().from(users).where(eq(users.username, 'resident1'));
  const [admin] = await s.db
    .select({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(and(eq(roleAssignments.role, 'community_admin'), like(orgUnits.path, `${path}%`)))
    .limit(1);
  if (!resident?.residentId || !admin) return;
  const [existing] = await s.db
    .select({ id: approvals.id })
    .from(approvals)
    .where(eq(approvals.applicantUserId, resident.id))
    .limit(1);
  if (existing) return;
  const items = await s.db
    .select()
    .from(approvalItems)
    .where(
      and(
        eq(approvalItems.orgUnitId, communityId),
        inArray(approvalItems.code, ['residence-certificate', 'parking-permit']),
      ),
    );
  const applicant = await loadPrincipal(s.db, resident.id);
  const staff = await loadPrincipal(s.db, admin.userId);
  if (!applicant || !staff) return;
  const idNumber = `37090219850312002${idNumberCheckDigit('37090219850312002')}`;
  /** a photo of each required material, uploaded by the applicant */
  const photos = async (item: (typeof items)[number]) =>
    Promise.all(
      item.materials
        .filter((m) => m.required)
        .map(async (m) => ({ name: m.name, fileIds: [await demoPhoto(s, resident.id, `${m.name}.jpg`)] })),
    );
  const residence = items.find((i) => i.code === 'residence-certificate');
  if (residence) {
    const c = await submitApproval(s, applicant, {
      itemId: residence.id,
      form: { idNumber, phone: '13905381234', purpose: '子女入学', since: '2019-08-01' },
      materials: await photos(residence),
      comment: '孩子今年秋季入学，需要居住证明',
    });
    await preReview(s, staff, c.id, { outcome: 'complete', missing: [], comment: '材料齐全' });
    await accept(s, staff, c.id, '予以受理，请网格员入户核实');
  }
  const parking = items.find((i) => i.code === 'parking-permit');
  if (parking)
    await submitApproval(s, applicant, {
      itemId: parking.id,
      form: { plate: '鲁J5A628', phone: '13905381234', vehicleType: '新能源汽车' },
      materials: await photos(parking),
      comment: '新购车辆，申请小区停车证',
    });
}

/** the smallest JPEG header: a stand-in for a photographed document */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

async function demoPhoto(s: Services, uploadedBy: string, name: string): Promise<string> {
  const stored = await s.files.put(JPEG);
  const [row] = await s.db
    .insert(files)
    .values({
      name,
      kind: 'image',
      contentType: 'image/jpeg',
      size: JPEG.length,
      sha256: stored.sha256,
      storageKey: stored.key,
      uploadedBy,
    })
    .returning();
  return row!.id;
}
