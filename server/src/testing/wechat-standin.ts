// A local stand-in for the WeChat server API, for tests: the real api.weixin.qq.com cannot be reached here.
// It follows the documented mini-program login API (see shared/design/WECHAT.md):
//   GET /sns/jscode2session?appid=…&secret=…&js_code=…&grant_type=authorization_code
//     → { openid, session_key, unionid? }  (unionid only when the user has one)
// Like WeChat, every answer is HTTP 200 and errors are `{ errcode, errmsg }` in the body; and like WeChat,
// the JSON is labelled `text/plain`, so a client must not rely on the content type.
//   wrong appid or secret         → 40125 invalid appsecret
//   unknown, expired or used code → 40029 invalid code (a code is valid for 5 minutes and usable once)
//   more than 100 calls a minute for one user → 45011 (and codes issued with errcode 45011)
//   codes issued with errcode 40226 (high-risk user blocked) or -1 (system busy) answer that error
import http from 'node:http';
import { randomBytes } from 'node:crypto';

export const CODE_TTL_MS = 5 * 60_000;
export const CALLS_PER_USER_PER_MINUTE = 100;

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40226: 'invalid user, is high risk',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  40002: 'invalid grant_type',
  43001: 'require GET method',
  40066: 'invalid url',
};

export interface StandinCodeOptions {
  openid: string;
  unionid?: string;
  /** answer this WeChat error instead of a session, every time the code is used (the code is not consumed) */
  errcode?: number;
}

export interface StandinCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** what the stand-in answered (including the session_key it handed out) */
  answer: Record<string, unknown>;
  at: Date;
}

export interface WechatStandin {
  /** base URL to configure as WECHAT_API_BASE */
  url: string;
  /** registers a code as wx.login would hand one to the mini-program, and returns it */
  issueCode(opts: StandinCodeOptions): string;
  /** every request received, in order */
  calls: StandinCall[];
  close(): Promise<void>;
}

export interface WechatStandinOptions {
  appId: string;
  appSecret: string;
  /** the stand-in's clock in milliseconds (default Date.now); tests move it to expire codes */
  now?: () => number;
}

interface IssuedCode extends StandinCodeOptions {
  issuedAt: number;
  used: boolean;
}

const rid = () => randomBytes(12).toString('hex');
const error = (errcode: number) => ({ errcode, errmsg: `${ERRMSG[errcode] ?? 'error'}, rid: ${rid()}` });

export async function startWechatStandin(opts: WechatStandinOptions): Promise<WechatStandin> {
  const now = opts.now ?? Date.now;
  const codes = new Map<string, IssuedCode>();
  const recentCalls = new Map<string, number[]>();
  const calls: StandinCall[] = [];

  function rateLimited(openid: string): boolean {
    const t = now();
    const recent = (recentCalls.get(openid) ?? []).filter((at) => t - at < 60_000);
    recent.push(t);
    recentCalls.set(openid, recent);
    return recent.length > CALLS_PER_USER_PER_MINUTE;
  }

  function jscode2session(q: URLSearchParams): Record<string, unknown> {
    const appid = q.get('appid');
    const secret = q.get('secret');
    const jsCode = q.get('js_code');
    if (!appid) return error(41002);
    if (!secret) return error(41004);
    if (appid !== opts.appId || secret !== opts.appSecret) return error(40125);
    if (!jsCode) return error(41008);
    if (q.get('grant_type') !== 'authorization_code') return error(40002);
    const code = codes.get(jsCode);
    if (!code || code.used || now() - code.issuedAt > CODE_TTL_MS) return error(40029);
    if (code.errcode !== undefined) return error(code.errcode);
    if (rateLimited(code.openid)) return error(45011);
    code.used = true;
    return {
      session_key: randomBytes(16).toString('base64'),
      openid: code.openid,
      ...(code.unionid ? { unionid: code.unionid } : {}),
    };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    let answer: Record<string, unknown>;
    if (url.pathname !== '/sns/jscode2session') answer = error(40066);
    else if (req.method !== 'GET') answer = error(43001);
    else answer = jscode2session(url.searchParams);
    calls.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      answer,
      at: new Date(now()),
    });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    issueCode(code) {
      // wx.login codes are opaque strings of about 32 characters
      const value = randomBytes(24).toString('base64url');
      codes.set(value, { ...code, issuedAt: now(), used: false });
      return value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
