// A local stand-in for the WeChat and WeCom message APIs (and a generic SMS gateway), for tests and the
// benchmark: the real hosts cannot be reached here. One HTTP server answers both families, as the product
// configures WECHAT_API_BASE and WECOM_API_BASE to its URL. Like WeChat and WeCom, answers are HTTP 200 with
// `{ errcode, errmsg }` in the body.
//
// WeChat (api.weixin.qq.com):
//   GET  /cgi-bin/token?grant_type=client_credential&appid=…&secret=…  → { access_token, expires_in: 7200 }
//        40013 wrong appid, 40125 wrong secret. A new token leaves the previous one valid for 5 minutes.
//   POST /cgi-bin/message/subscribe/send?access_token=…
//        { touser, template_id, page?, data: { key: { value } }, miniprogram_state?, lang? } → { errcode: 0, msgid }
//        40001 unknown token, 42001 expired token, 40003 unknown openid, 40037 unknown template,
//        47003 data missing or a value too long for its type, 43101 the user has no subscription left for the
//        template (one accept = one message: the stand-in keeps WeChat's own count, `grant()` adds to it)
// WeCom (qyapi.weixin.qq.com):
//   GET  /cgi-bin/gettoken?corpid=…&corpsecret=… → { errcode: 0, access_token, expires_in: 7200 }; 40013, 40001
//   POST /cgi-bin/message/send?access_token=… { touser, msgtype: 'textcard', agentid, textcard } →
//        { errcode: 0, msgid, invaliduser }; 40014/42001 tokens, 40056 agentid. Over 30 a minute or 1000 an
//        hour for one member the answer is still ok but the message is dropped (as WeCom does): see `dropped`.
//   POST /cgi-bin/webhook/send?key=… { msgtype: 'markdown', markdown: { content } } → { errcode: 0 };
//        93000 unknown key, 40058 content over 4096 bytes, 45009 over 20 messages a minute for the robot.
// SMS: POST /sms { to, text, ref } → 200 { id }.
//
// Faults for tests: `failNext(api, errcode)` answers an error once, `hangNext(api)` takes the request (and
// records it as delivered) but never answers, `expireTokens()` / `revokeTokens()`.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

export type StandinApi = 'subscribe' | 'wecom' | 'robot' | 'sms' | 'token' | 'gettoken';

export interface SubscribeSent {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  at: number;
}
export interface WecomSent {
  touser: string;
  title: string;
  description: string;
  url: string;
  at: number;
}
export interface RobotSent {
  key: string;
  content: string;
  at: number;
}
export interface SmsSent {
  to: string;
  text: string;
  ref: string;
  at: number;
}

export interface ChatStandinOptions {
  wechat: { appId: string; appSecret: string; openids?: string[]; templates?: string[] };
  wecom: { corpId: string; secret: string; agentId: string; members?: string[]; robotKeys?: string[] };
  now?: () => number;
}

export interface ChatStandin {
  url: string;
  subscribe: SubscribeSent[];
  wecom: WecomSent[];
  /** application messages WeCom took but dropped (over a member's limits) */
  dropped: WecomSent[];
  robot: RobotSent[];
  sms: SmsSent[];
  /** token fetches, per family */
  tokenFetches: { wechat: number; wecom: number };
  /** requests refused with 45009 by a robot */
  robotRefusals: number;
  /** adds one-time subscriptions, as the user's taps on "allow" do in WeChat */
  grant(openid: string, templateId: string, n?: number): void;
  addOpenid(openid: string): void;
  addMember(userid: string): void;
  addRobot(key: string): void;
  failNext(api: StandinApi, errcode: number): void;
  hangNext(api: StandinApi): void;
  expireTokens(): void;
  revokeTokens(): void;
  close(): Promise<void>;
}

const TOKEN_TTL_S = 7200;
const OLD_TOKEN_GRACE_MS = 5 * 60_000;

interface Token {
  value: string;
  expiresAt: number;
}

export async function startChatStandin(opts: ChatStandinOptions): Promise<ChatStandin> {
  const now = opts.now ?? Date.now;
  const openids = new Set(opts.wechat.openids ?? []);
  const templates = opts.wechat.templates ? new Set(opts.wechat.templates) : undefined;
  const members = new Set(opts.wecom.members ?? []);
  const robotKeys = new Set(opts.wecom.robotKeys ?? []);
  const tokens: Record<'wechat' | 'wecom', Token[]> = { wechat: [], wecom: [] };
  const consents = new Map<string, number>();
  const memberSends = new Map<string, number[]>();
  const robotSends = new Map<string, number[]>();
  const failures = new Map<StandinApi, number[]>();
  const hangs = new Map<StandinApi, number>();
  const hanging = new Set<http.ServerResponse>();

  const state: ChatStandin = {
    url: '',
    subscribe: [],
    wecom: [],
    dropped: [],
    robot: [],
    sms: [],
    tokenFetches: { wechat: 0, wecom: 0 },
    robotRefusals: 0,
    grant: (openid, templateId, n = 1) =>
      consents.set(`${openid}|${templateId}`, (consents.get(`${openid}|${templateId}`) ?? 0) + n),
    addOpenid: (o) => void openids.add(o),
    addMember: (m) => void members.add(m),
    addRobot: (k) => void robotKeys.add(k),
    failNext: (api, errcode) => failures.set(api, [...(failures.get(api) ?? []), errcode]),
    hangNext: (api) => hangs.set(api, (hangs.get(api) ?? 0) + 1),
    expireTokens: () => {
      for (const t of [...tokens.wechat, ...tokens.wecom]) t.expiresAt = now() - 1;
    },
    revokeTokens: () => {
      tokens.wechat = [];
      tokens.wecom = [];
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  const error = (errcode: number, errmsg = 'error') => ({
    errcode,
    errmsg: `${errmsg}, rid: ${randomBytes(6).toString('hex')}`,
  });
  const injected = (api: StandinApi) => {
    const list = failures.get(api);
    return list?.length ? list.shift() : undefined;
  };

  function issue(family: 'wechat' | 'wecom'): Token {
    const t = { value: randomBytes(24).toString('base64url'), expiresAt: now() + TOKEN_TTL_S * 1000 };
    // the previous token keeps working for a few minutes, then only the newest does
    for (const old of tokens[family]) old.expiresAt = Math.min(old.expiresAt, now() + OLD_TOKEN_GRACE_MS);
    tokens[family].push(t);
    state.tokenFetches[family]++;
    return t;
  }

  /** 0 valid, else the errcode */
  function checkToken(family: 'wechat' | 'wecom', value: string | null): number {
    const t = tokens[family].find((x) => x.value === value);
    if (!t) return family === 'wechat' ? 40001 : 40014;
    return t.expiresAt <= now() ? 42001 : 0;
  }

  function recent(map: Map<string, number[]>, key: string, windowMs: number): number[] {
    const list = (map.get(key) ?? []).filter((at) => now() - at < windowMs);
    map.set(key, list);
    return list;
  }

  const MAX_LEN: Record<string, number> = {
    thing: 20,
    phrase: 5,
    name: 10,
    character_string: 32,
    number: 32,
  };

  function handle(url: URL, body: Record<string, unknown>): Record<string, unknown> {
    const q = url.searchParams;
    switch (url.pathname) {
      case '/cgi-bin/token': {
        const e = injected('token');
        if (e !== undefined) return error(e);
        if (q.get('appid') !== opts.wechat.appId) return error(40013, 'invalid appid');
        if (q.get('secret') !== opts.wechat.appSecret) return error(40125, 'invalid appsecret');
        return { access_token: issue('wechat').value, expires_in: TOKEN_TTL_S };
      }
      case '/cgi-bin/message/subscribe/send': {
        const tokenError = checkToken('wechat', q.get('access_token'));
        if (tokenError)
          return error(tokenError, tokenError === 42001 ? 'access_token expired' : 'invalid credential');
        const e = injected('subscribe');
        if (e !== undefined) return error(e);
        const touser = String(body.touser ?? '');
        const templateId = String(body.template_id ?? '');
        const data = body.data as Record<string, { value?: unknown }> | undefined;
        if (!openids.has(touser)) return error(40003, 'invalid openid');
        if (templates && !templates.has(templateId)) return error(40037, 'invalid template_id');
        if (!data || typeof data !== 'object') return error(47003, 'argument invalid! data is empty');
        for (const [key, v] of Object.entries(data)) {
          const max = MAX_LEN[key.replace(/\d+$/, '')];
          if (typeof v?.value !== 'string' || (max && [...v.value].length > max))
            return error(47003, `argument invalid! data.${key}.value invalid`);
        }
        const left = consents.get(`${touser}|${templateId}`) ?? 0;
        if (left <= 0) return error(43101, 'user refuse to accept the msg');
        consents.set(`${touser}|${templateId}`, left - 1);
        state.subscribe.push({
          touser,
          templateId,
          ...(typeof body.page === 'string' ? { page: body.page } : {}),
          data: data as Record<string, { value: string }>,
          at: now(),
        });
        return { errcode: 0, errmsg: 'ok', msgid: Math.floor(Math.random() * 1e12) };
      }
      case '/cgi-bin/gettoken': {
        const e = injected('gettoken');
        if (e !== undefined) return error(e);
        if (q.get('corpid') !== opts.wecom.corpId) return error(40013, 'invalid corpid');
        if (q.get('corpsecret') !== opts.wecom.secret) return error(40001, 'invalid secret');
        return { errcode: 0, errmsg: 'ok', access_token: issue('wecom').value, expires_in: TOKEN_TTL_S };
      }
      case '/cgi-bin/message/send': {
        const tokenError = checkToken('wecom', q.get('access_token'));
        if (tokenError) return error(tokenError, 'invalid access_token');
        const e = injected('wecom');
        if (e !== undefined) return error(e);
        if (String(body.agentid) !== opts.wecom.agentId) return error(40056, 'invalid agentid');
        const card = body.textcard as { title?: string; description?: string; url?: string } | undefined;
        if (body.msgtype !== 'textcard' || !card?.title || !card.description || !card.url)
          return error(44004, 'empty content');
        const touser = String(body.touser ?? '');
        if (!members.has(touser)) return { errcode: 0, errmsg: 'ok', invaliduser: touser, msgid: '' };
        const sent: WecomSent = {
          touser,
          title: card.title,
          description: card.description,
          url: card.url,
          at: now(),
        };
        const minute = recent(memberSends, touser, 60_000).length;
        const hour = recent(memberSends, `${touser}|h`, 3_600_000).length;
        memberSends.get(touser)!.push(now());
        memberSends.get(`${touser}|h`)!.push(now());
        // over a member's limits WeCom answers ok and drops the message
        if (minute >= 30 || hour >= 1000) state.dropped.push(sent);
        else state.wecom.push(sent);
        return { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: randomBytes(8).toString('hex') };
      }
      case '/cgi-bin/webhook/send': {
        const key = q.get('key') ?? '';
        if (!robotKeys.has(key)) return error(93000, 'invalid webhook url');
        const e = injected('robot');
        if (e !== undefined) return error(e);
        const content =
          body.msgtype === 'markdown'
            ? String((body.markdown as { content?: unknown } | undefined)?.content ?? '')
            : String((body.text as { content?: unknown } | undefined)?.content ?? '');
        if (!content) return error(44004, 'empty content');
        if (Buffer.byteLength(content) > 4096) return error(40058, 'markdown.content exceed max length 4096');
        const sends = recent(robotSends, key, 60_000);
        if (sends.length >= 20) {
          state.robotRefusals++;
          return error(45009, 'api freq out of limit');
        }
        sends.push(now());
        state.robot.push({ key, content, at: now() });
        return { errcode: 0, errmsg: 'ok' };
      }
      case '/sms': {
        const e = injected('sms');
        if (e !== undefined) return { status: e };
        state.sms.push({ to: String(body.to), text: String(body.text), ref: String(body.ref), at: now() });
        return { id: randomBytes(6).toString('hex') };
      }
      default:
        return error(40066, 'invalid url');
    }
  }

  const apiOf = (path: string): StandinApi | undefined =>
    (
      ({
        '/cgi-bin/message/subscribe/send': 'subscribe',
        '/cgi-bin/message/send': 'wecom',
        '/cgi-bin/webhook/send': 'robot',
        '/sms': 'sms',
      }) as Record<string, StandinApi>
    )[path];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin');
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : {};
      } catch {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(JSON.stringify(error(47001, 'data format error')));
        return;
      }
      const answer = handle(url, body);
      const api = apiOf(url.pathname);
      if (api && (hangs.get(api) ?? 0) > 0) {
        // taken and delivered, but the answer never comes back
        hangs.set(api, hangs.get(api)! - 1);
        hanging.add(res);
        return;
      }
      if (url.pathname === '/sms' && typeof answer.status === 'number') {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return state;
}
