// WeChat mini-program sign-in: exchange the one-time `code` from wx.login for the user's openid.
// The base URL is configuration, so tests run against a local stand-in that follows the documented API.
import type { Config } from '../env.js';
import { ApiError, serviceUnavailable, upstreamError } from '../http/errors.js';

export interface WechatSession {
  openid: string;
  unionid?: string;
  sessionKey: string;
}

const ERRORS: Record<number, () => ApiError> = {
  40029: () =>
    new ApiError(
      400,
      'wechat_code_invalid',
      'The WeChat login code is invalid or was already used; call wx.login again',
    ),
  40163: () =>
    new ApiError(400, 'wechat_code_used', 'The WeChat login code was already used; call wx.login again'),
  45011: () =>
    new ApiError(
      429,
      'wechat_rate_limited',
      'Too many sign-in attempts for this WeChat user; wait a minute and try again',
    ),
  40226: () =>
    new ApiError(
      403,
      'wechat_user_blocked',
      'WeChat has blocked this user as high-risk; sign-in is not possible',
    ),
  [-1]: () => upstreamError('wechat_busy', 'WeChat is busy; try again in a moment', 503),
};

export async function code2Session(config: Config, code: string): Promise<WechatSession> {
  if (!config.wechat.appId || !config.wechat.appSecret) {
    throw serviceUnavailable(
      'WeChat sign-in is not configured on this server (WECHAT_APP_ID, WECHAT_APP_SECRET)',
    );
  }
  const url = new URL('/sns/jscode2session', config.wechat.apiBase);
  url.search = new URLSearchParams({
    appid: config.wechat.appId,
    secret: config.wechat.appSecret,
    js_code: code,
    grant_type: 'authorization_code',
  }).toString();
  let body: { openid?: string; unionid?: string; session_key?: string; errcode?: number; errmsg?: string };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    body = (await res.json()) as typeof body;
  } catch {
    throw upstreamError('wechat_unreachable', 'WeChat could not be reached; try again in a moment');
  }
  if (body.errcode) {
    const known = ERRORS[body.errcode];
    throw known
      ? known()
      : upstreamError('wechat_error', `WeChat refused the sign-in (errcode ${body.errcode})`);
  }
  if (!body.openid || !body.session_key)
    throw upstreamError('wechat_error', 'WeChat answered without an openid');
  return {
    openid: body.openid,
    sessionKey: body.session_key,
    ...(body.unionid ? { unionid: body.unionid } : {}),
  };
}
