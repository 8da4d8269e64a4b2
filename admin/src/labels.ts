// Chinese labels for the API's codes.
export const INSTANCE_STATUS: Record<string, { text: string; color: string }> = {
  running: { text: '进行中', color: 'processing' },
  completed: { text: '已办结', color: 'success' },
  cancelled: { text: '已撤销', color: 'default' },
};

export const TASK_STATUS: Record<string, string> = { open: '待办', completed: '已完成', cancelled: '已取消' };

export const TIMELINE_KIND: Record<string, string> = {
  'instance.started': '发起',
  'instance.completed': '办结',
  'instance.cancelled': '撤销',
  'task.created': '生成任务',
  'activity.end': '步骤完成',
  'repair.reported': '报修',
  'repair.dispatched': '派单',
  'task.completed': '完成',
  'task.returned': '退回',
  'task.withdrawn': '撤回',
  'timer.fired': '定时触发',
  'message.received': '收到消息',
  comment: '评论',
  attachment: '附件',
  transfer: '转办',
  delegate: '委派',
  resolve: '委派完成',
  urge: '催办',
  cc: '抄送',
  claim: '签收',
  unclaim: '退签',
};

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

// Residents (居民管理)
export const RESIDENT_TAG: Record<string, { text: string; color: string }> = {
  elderly_living_alone: { text: '独居老人', color: 'volcano' },
  elderly: { text: '老年人', color: 'orange' },
  disabled: { text: '残疾人', color: 'purple' },
  low_income: { text: '低保', color: 'gold' },
  community_correction: { text: '社区矫正', color: 'red' },
  veteran: { text: '退役军人', color: 'green' },
  party_member: { text: '党员', color: 'magenta' },
  left_behind_child: { text: '留守儿童', color: 'cyan' },
  serious_illness: { text: '重病', color: 'geekblue' },
  key_person: { text: '重点人员', color: 'red' },
};

export const GENDER: Record<string, string> = { male: '男', female: '女' };
export const RESIDENCY: Record<string, string> = { registered: '户籍人口', floating: '流动人口' };
export const RESIDENT_STATUS: Record<string, string> = {
  active: '在册',
  moved_out: '已迁出',
  deceased: '已故',
};
export const RELATION: Record<string, string> = { owner: '户主/业主', tenant: '租户', family: '家庭成员' };
export const BINDING_STATUS: Record<string, string> = {
  pending: '待核验',
  verified: '已核验',
  rejected: '已驳回',
  ended: '已解除',
};
// 房屋管理: contracts RoomUsage and Occupancy.
export const ROOM_USAGE: Record<string, string> = {
  residential: '住宅',
  commercial: '商铺',
  office: '办公',
  other: '其他',
};
export const OCCUPANCY: Record<string, string> = {
  owner_occupied: '自住',
  rented: '出租',
  vacant: '空置',
  unknown: '未知',
};
export const CHECK_IN_METHOD: Record<string, string> = {
  visit: '上门探访',
  phone: '电话问候',
  video: '视频问候',
};

/**
 * The resident import's row problems and file errors in Chinese. The server words them in English (its API
 * language) with the worker's own Chinese values inside; known messages are matched here, unknown ones are
 * shown as the server wrote them.
 */
const IMPORT_MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Name is empty$/, () => '姓名为空'],
  [/^Name is longer than 100 characters$/, () => '姓名超过 100 个字'],
  [/^ID number is empty$/, () => '身份证号为空'],
  [
    /^The ID number was stored as a number/,
    () => '身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新录入',
  ],
  [
    /^Not a valid 18-character resident ID number/,
    () => '不是有效的 18 位居民身份证号（请核对位数、出生日期和末位校验码）',
  ],
  [/^Unknown gender (.+); write 男 or 女$/, (m) => `无法识别的性别 ${m[1]}，请填写“男”或“女”`],
  [
    /^Gender (.+) contradicts the ID number, which is a (man|woman)'s$/,
    (m) => `性别“${m[1]}”与身份证号不符（身份证号为${m[2] === 'man' ? '男' : '女'}性）`,
  ],
  [/^Birth date is not a date such as 1980-01-31$/, () => '出生日期格式不对，应如 1980-01-31'],
  [/^Birth date differs from the birth date in the ID number$/, () => '出生日期与身份证号中的出生日期不一致'],
  [/^Not an 11-digit mainland mobile number$/, () => '不是 11 位的大陆手机号'],
  [/^Unknown household type (.+);/, (m) => `无法识别的户籍类型 ${m[1]}，请填写户籍、常住、流动或暂住`],
  [/^Unknown tag (.+); known tags: (.+)$/, (m) => `无法识别的标签 ${m[1]}，可用标签：${m[2]}`],
  [/^Relation to the household is empty/, () => '与户关系为空，请填写户主、业主、租户或家属'],
  [
    /^Unknown relation (.+?);/,
    (m) => `无法识别的与户关系 ${m[1]}，请填写户主、业主、租户或配偶、子女、父母等家庭关系`,
  ],
  [/^Compound \(小区\) is empty$/, () => '小区为空'],
  [/^Building \(楼栋\) is empty$/, () => '楼栋为空'],
  [/^Room number \(房号\) is empty$/, () => '房号为空'],
  [/^Same ID number as row (\d+)/, (m) => `与第 ${m[1]} 行的身份证号相同，每人只能出现一次`],
  [
    /^This person is already registered in this community/,
    () => '此人已在本社区登记，请修改其档案，不要重复导入',
  ],
  [/^There is no grid named (.+) in this community$/, (m) => `本社区没有名为 ${m[1]} 的网格`],
  [/^Building (.+) of (.+) is new; fill in 网格/, (m) => `${m[2]}${m[1]}是新楼栋，请填写“网格”以便归入网格`],
  [
    /^Row (\d+) places this new building in grid (.+), this row in (.+)$/,
    (m) => `第 ${m[1]} 行把这栋新楼归入${m[2]}，本行却归入${m[3]}`,
  ],
  [/^The file is empty$/, () => '文件是空的'],
  [/^The file has a header row but no data rows$/, () => '文件只有表头，没有数据行'],
  [/^The file lacks required columns/, () => '文件缺少必填列'],
  [
    /^No header row found/,
    () => '找不到表头行：第一行应写明列名，如姓名、身份证号、小区、楼栋、房号、与户关系',
  ],
  [
    /^The CSV file is not UTF-8 encoded/,
    () => 'CSV 文件不是 UTF-8 编码；请在 Excel 或 WPS 中另存为“CSV UTF-8”',
  ],
  [
    /^This is an old Excel 97-2003/,
    () => '这是旧版 Excel 97-2003（.xls）文件；请另存为 .xlsx 或“CSV UTF-8”后再导入',
  ],
  [
    /^The file is not an Excel \.xlsx workbook|^The file could not be opened as an Excel/,
    () => '文件无法作为 Excel .xlsx 工作簿打开；请重新另存为 .xlsx 或“CSV UTF-8”',
  ],
  [
    /^The file is neither a CSV text file nor an \.xlsx workbook$/,
    () => '文件既不是 CSV 文本，也不是 .xlsx 工作簿',
  ],
  [/^The file has more than (\d+) data rows/, (m) => `文件超过 ${m[1]} 行数据，请拆分成几个文件分别导入`],
  [
    /^Some of these people or addresses were registered by someone else/,
    () => '导入期间有人登记了其中的部分居民或地址，本次未导入任何数据，请重新导入',
  ],
];

export function importMessage(message: string): string {
  for (const [pattern, text] of IMPORT_MESSAGES) {
    const m = pattern.exec(message);
    if (m) return text(m);
  }
  return message;
}

// Audit log (审计日志): the actions the server writes (grep writeAudit in server/src); unknown ones are shown raw.
export const AUDIT_ACTION: Record<string, string> = {
  reveal: '查看完整信息',
  create: '新增',
  update: '修改',
  import: '批量导入',
  binding_verify: '核验房屋绑定',
  binding_reject: '驳回房屋绑定',
  binding_end: '解除房屋绑定',
  user_create: '新建账号',
  user_update: '修改账号',
  role_grant: '授予角色',
  role_revoke: '收回角色',
  definition_deploy: '部署流程',
  instance_cancel: '撤销案件',
  dispute_read: '查阅调解案件',
  dispute_list: '查阅调解列表',
  dispute_accept: '受理调解',
  dispute_reject: '不予受理调解',
  dispute_return: '退回调解',
  dispute_party_reveal: '查看当事人手机号',
  dispute_file_read: '查阅调解附件',
  dispute_committee_add: '加入调委会',
  dispute_committee_remove: '移出调委会',
  view_face: '查看人脸抓拍',
  delete_face_snapshot: '删除人脸抓拍',
  'notify.retry': '重发通知',
};

export const AUDIT_TARGET: Record<string, string> = {
  resident: '居民',
  residents: '居民名册',
  rooms: '房屋清单',
  household_binding: '房屋绑定',
  user: '账号',
  definition: '流程',
  instance: '案件',
  dispute: '调解案件',
  dispute_party: '调解当事人',
  approval: '办事申请',
  device_snapshot: '设备抓拍',
  notify_delivery: '通知发送',
};

/** What an audit entry's `fields` name: personal fields, account fields; roles are labelled by ROLE_LABEL. */
export const AUDIT_FIELD: Record<string, string> = {
  idNumber: '身份证号',
  phone: '手机号',
  face: '人脸',
  displayName: '姓名',
  status: '状态',
  password: '密码',
  unlock: '解锁',
  'as:mediator': '以调解员身份',
  'as:admin': '以管理员身份',
  'as:committee': '以调委会成员身份',
  'as:registrant': '以登记人身份',
};

// Devices (设备管理): contracts DeviceKind and DeviceVendor.
export const DEVICE_KIND: Record<string, string> = {
  camera: '摄像头',
  door: '门禁',
  ai_box: 'AI 盒子',
  sensor: '传感器',
  nvr: '录像机',
};
export const DEVICE_VENDOR: Record<string, string> = {
  hikvision: '海康威视',
  dahua: '大华',
  generic: '通用',
};

/** "刚刚", "5分钟前", "3小时前", "2天前": how long ago, for last-seen times. */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '从未上线';
  const ms = now - new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '刚刚';
  if (minutes < 60) return `${minutes}分钟前`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}小时前`;
  return `${Math.floor(hours / 24)}天前`;
}

// 事项清单: the types of an application form's fields (contracts FORM_FIELD_TYPES; the console imports types only,
// so `satisfies` keeps this list complete when the enum grows).
export const FORM_FIELD_TYPE = {
  text: '文本',
  number: '数字',
  date: '日期',
  select: '下拉选择',
  idNumber: '身份证号',
  phone: '手机号',
} as const satisfies Record<import('@linli/contracts').FormFieldType, string>;

// 组织与网格, 人员与角色, 单位与车辆: contracts OrgKind, OrganisationKind, VehicleKind and a staff account's status.
export const ORG_KIND: Record<string, string> = {
  district: '区',
  street: '街道',
  community: '社区',
  grid: '网格',
};
export const ORGANISATION_KIND: Record<string, string> = {
  shop: '商铺',
  company: '企业',
  social_organisation: '社会组织',
  public_institution: '机关事业单位',
  other: '其他',
};
export const VEHICLE_KIND: Record<string, string> = {
  car: '汽车',
  ebike: '电动自行车',
  motorcycle: '摩托车',
  other: '其他',
};
export const USER_STATUS: Record<string, string> = { active: '正常', disabled: '已停用' };
