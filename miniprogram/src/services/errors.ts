// API failures turned into messages people can act on (zh-CN). The server answers
// `{ "error": { "id", "message", "details"? } }`; its English message stays for logs and bug reports.

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    /** what the person sees (Chinese) */
    readonly userMessage: string,
    /** the server's own message (English), for diagnosis */
    readonly serverMessage: string,
    /** the error's details as the server sent them (e.g. `{ fields }` of a refused step form) */
    readonly details?: unknown,
  ) {
    super(`${status} ${id}: ${serverMessage}`);
  }
}

const BY_ID: Record<string, string> = {
  invalid_credentials: '用户名或密码错误',
  account_locked: '登录失败次数过多，账号已暂时锁定，请稍后再试',
  demo_account_disabled: '演示账号已停用',
  unauthenticated: '登录已过期，请重新登录',
  payload_too_large: '文件太大，请换一张小一些的图片',
  unsupported_media_type: '不支持的文件类型，请上传 JPG、PNG 图片',
  service_unavailable: '服务暂时不可用，请稍后再试',
  invalid_form: '表单填写有误，请按提示修改',
};

const BY_STATUS: Record<number, string> = {
  400: '填写的内容有误，请检查后重试',
  401: '登录已过期，请重新登录',
  403: '您没有权限进行此操作',
  404: '内容不存在或已被删除',
  409: '状态已变化，请刷新后重试',
  413: '内容太大，请精简后重试',
  415: '不支持的文件类型',
  423: '账号已暂时锁定，请稍后再试',
  429: '操作太频繁，请稍后再试',
};

/** field names the server reports, in words a resident understands */
const FIELD_NAMES: Record<string, string> = {
  description: '问题描述',
  category: '报修类别',
  roomId: '房屋',
  photoFileIds: '照片',
  afterPhotoFileIds: '完工照片',
  note: '说明',
  rating: '评分',
  comment: '留言',
  preferredTo: '期望上门时间',
  username: '用户名',
  password: '密码',
};

interface ErrorBody {
  error?: { id?: string; message?: string; details?: unknown };
}

function fieldHint(message: string): string | null {
  const hits = Object.keys(FIELD_NAMES).filter((f) => message.includes(f));
  return hits.length ? `请检查：${hits.map((f) => FIELD_NAMES[f]).join('、')}` : null;
}

export function failureFrom(status: number, body: unknown): ApiFailure {
  const err = (body as ErrorBody | null)?.error;
  const id = err?.id ?? `http_${status}`;
  const serverMessage = err?.message ?? `HTTP ${status}`;
  let userMessage =
    BY_ID[id] ?? BY_STATUS[status] ?? (status >= 500 ? '服务器开小差了，请稍后再试' : '请求失败，请重试');
  if (status === 400) {
    const hint = fieldHint(serverMessage);
    if (hint) userMessage = `${userMessage}（${hint}）`;
  }
  if (status === 404 && id === 'not_found' && serverMessage.startsWith('Development sign-in'))
    userMessage = '开发登录未开启（服务器需设置 DEV_LOGIN=true）';
  return new ApiFailure(status, id, userMessage, serverMessage, err?.details);
}

export const networkFailure = (detail: string) =>
  new ApiFailure(0, 'network', '网络连接失败，请检查网络后重试', detail);

/** the message to show for anything thrown by the services layer */
export function messageOf(err: unknown): string {
  if (err instanceof ApiFailure) return err.userMessage;
  return '出了点问题，请稍后再试';
}
