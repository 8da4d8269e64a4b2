// 导入房屋: the community office uploads its housing list (.xlsx or .csv): 小区, 楼栋, 单元, 房号, optionally 面积
// and 用途, and 网格 for a building the community does not have yet. Checked first, imported all or nothing
// (POST /imports/rooms); the flow is the shared ImportPanel, like 导入居民.
import { api, type ImportReport } from '../api';
import { ImportPanel } from '../components/ImportPanel';

/** The columns the server reads (server/src/imports/rooms.ts). */
const TEMPLATE_HEADERS = ['小区', '楼栋', '单元', '房号', '面积', '用途', '网格'];
const REQUIRED = ['小区', '楼栋', '单元', '房号'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Uploads a housing list to a community: a dry run checks it, a real run imports it. */
export function importRooms(communityId: string, file: File, dryRun: boolean): Promise<ImportReport> {
  const xlsx = /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE;
  return api<ImportReport>('/imports/rooms', {
    method: 'POST',
    raw: { data: file, contentType: xlsx ? XLSX_TYPE : 'text/csv' },
    query: { communityId, dryRun: String(dryRun), fileName: file.name.slice(0, 200) },
  });
}

/** The room import's own problems (server/src/imports/rooms.ts); the shared ones are in importMessage. */
const ROOM_MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Unit \(单元\) is empty/, () => '单元为空；没有单元的楼栋请填 1'],
  [/^(.+) is longer than 50 characters$/, (m) => `${m[1]}超过 50 个字`],
  [/^Area (.+) is not a number/, (m) => `面积 ${m[1]} 不是数字，请填写平方米数，如 89.5`],
  [/^Unknown usage (.+?);/, (m) => `无法识别的用途 ${m[1]}，请填写住宅、商铺、办公或其他`],
  [/^This room is already registered in this community$/, () => '本社区已登记此房屋，不能重复导入'],
  [/^Same room as row (\d+)/, (m) => `与第 ${m[1]} 行是同一间房屋，每间房屋只能出现一次`],
  [/^No header row found/, () => '找不到表头行：第一行应写明列名，如小区、楼栋、单元、房号'],
  [
    /^Some of these addresses were registered by someone else/,
    () => '导入期间有人登记了其中的部分地址，本次未导入任何数据，请重新导入',
  ],
];

function roomMessage(message: string): string | undefined {
  for (const [pattern, text] of ROOM_MESSAGES) {
    const m = pattern.exec(message);
    if (m) return text(m);
  }
  return undefined;
}

export function RoomImportPage() {
  return (
    <ImportPanel
      title="导入房屋"
      noun="房屋"
      back={{ path: '/org-units', label: '返回组织与网格' }}
      template={{ headers: TEMPLATE_HEADERS, fileName: '房屋导入模板.csv' }}
      help={`支持 Excel（.xlsx）和 CSV（UTF-8）文件，第一行为表头。必填列：${REQUIRED.join('、')}；可选列：面积（平方米）、用途（住宅、商铺、办公、其他，默认住宅）；本社区还没有的楼栋需填写“网格”。没有的小区、楼栋、单元会自动新建，已登记的房屋不会重复导入。选择文件后先检查，全部无误才能导入；导入要么全部成功，要么一条也不写入。`}
      uploadText="点击或拖入房屋清单（.xlsx / .csv）"
      upload={importRooms}
      translate={roomMessage}
      cleanText="确认后将一次性新建全部房屋及所需的小区、楼栋、单元。"
      doneTitle={(r) => `已导入 ${r.created.rooms} 间房屋`}
      doneText={() => '可在房屋管理中查看新建的小区、楼栋、单元和房屋。'}
      doneAction={{ path: '/addresses', label: '查看房屋管理' }}
    />
  );
}
