// 导入居民: the community office uploads its register (.xlsx or .csv). The file is checked first (a dry run that
// writes nothing) and every bad row is listed; only a clean file can be imported, and the import is all or
// nothing on the server. The flow itself is the shared ImportPanel.
import { importResidents } from '../api';
import { ImportPanel } from '../components/ImportPanel';

/** The columns the server reads (server/src/imports/residents.ts), in the order of the register. */
const TEMPLATE_HEADERS = [
  '姓名',
  '性别',
  '出生日期',
  '身份证号',
  '联系电话',
  '户籍类型',
  '标签',
  '小区',
  '楼栋',
  '单元',
  '房号',
  '与户关系',
  '网格',
];
const REQUIRED = ['姓名', '身份证号', '小区', '楼栋', '房号', '与户关系'];

export function ResidentImportPage() {
  return (
    <ImportPanel
      title="导入居民"
      noun="居民"
      back={{ path: '/residents', label: '返回居民列表' }}
      template={{ headers: TEMPLATE_HEADERS, fileName: '居民导入模板.csv' }}
      help={
        <>
          支持 Excel（.xlsx）和 CSV（UTF-8）文件，第一行为表头。必填列：{REQUIRED.join('、')}
          ；新楼栋还需填写“网格”。选择文件后先检查，全部无误才能导入；导入要么全部成功，要么一条也不写入。
        </>
      }
      uploadText="点击或拖入居民登记表（.xlsx / .csv）"
      upload={importResidents}
      cleanText="确认后将一次性导入全部居民及其房屋绑定。"
      doneTitle={(r) => `已导入 ${r.created.residents} 位居民`}
      doneText={(r) => `新建房屋 ${r.created.rooms} 间，房屋绑定 ${r.created.bindings} 条。`}
      doneAction={{ path: '/residents', label: '查看居民列表' }}
    />
  );
}
