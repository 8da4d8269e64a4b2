// The external channels. Each send answers one outcome; the dispatcher records it and decides what next.
//   sent       – the API accepted it
//   retry      – surely not delivered (refused connection, busy, rate limited): try again later
//   failed     – will never work as it is (wrong openid, bad template, unknown member)
//   no_consent – WeChat 43101: the user has no subscription left for this template
//   uncertain  – it may have been delivered (timeout after sending): never sent again automatically
import type { Config } from '../env.js';
import type { Db } from '../db/client.js';
import { callJson, type CallResult } from './http.js';
import { SharedToken, TokenError } from './tokens.js';

export type Outcome =
  | { status: 'sent'; externalId?: string }
  | { status: 'retry'; errcode?: number; error: string; retryAt?: Date }
  | { status: 'failed'; errcode?: number; error: string }
  | { status: 'no_consent'; errcode: number; error: string }
  | { status: 'uncertain'; error: string };

const TOKEN_INVALID = new Set([40001, 42001, 40014]);

function transport(r: Exclude<CallResult, { kind: 'answer' }>): Outcome {
  return r.kind === 'not_sent'
    ? { status: 'retry', error: `not sent: ${r.error}` }
    : { status: 'uncertain', error: `no answer: ${r.error}` };
}

function tokenFailure(err: unknown): Outcome {
  if (err instanceof TokenError)
    return err.retry
      ? { status: 'retry', errcode: err.errcode, error: err.message }
      : { status: 'failed', errcode: err.errcode, error: err.message };
  return { status: 'retry', error: err instanceof Error ? err.message : String(err) };
}

/** Calls an API that takes `?access_token=`, refreshing the shared token once when it is rejected. */
async function withToken(
  token: SharedToken,
  call: (accessToken: string) => Promise<CallResult>,
): Promise<{ result: CallResult } | { outcome: Outcome }> {
  for (let i = 0; ; i++) {
    let value: string;
    try {
      value = await token.get();
    } catch (err) {
      return { outcome: tokenFailure(err) };
    }
    const result = await call(value);
    const errcode = result.kind === 'answer' ? Number(result.body.errcode ?? 0) : 0;
    if (!TOKEN_INVALID.has(errcode) || i > 0) return { result };
    try {
      await token.refresh(value);
    } catch (err) {
      return { outcome: tokenFailure(err) };
    }
  }
}

export interface WechatSubscribeMessage {
  openid: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
}

export class WechatSubscribeChannel {
  readonly token: SharedToken;
  constructor(
    db: Db,
    private readonly config: Config,
    now: () => Date,
  ) {
    this.token = new SharedToken(
      db,
      {
        app: `wechat:${config.wechat.appId}`,
        url: () => {
          const u = new URL('/cgi-bin/token', config.wechat.apiBase);
          u.search = new URLSearchParams({
            grant_type: 'client_credential',
            appid: config.wechat.appId,
            secret: config.wechat.appSecret,
          }).toString();
          return u;
        },
      },
      now,
    );
  }

  get configured(): boolean {
    return Boolean(this.config.wechat.appId && this.config.wechat.appSecret);
  }

  async send(m: WechatSubscribeMessage): Promise<Outcome> {
    const done = await withToken(this.token, (accessToken) => {
      const url = new URL('/cgi-bin/message/subscribe/send', this.config.wechat.apiBase);
      url.searchParams.set('access_token', accessToken);
      return callJson(url, {
        method: 'POST',
        body: {
          touser: m.openid,
          template_id: m.templateId,
          ...(m.page ? { page: m.page } : {}),
          data: m.data,
          miniprogram_state: this.config.notify.wechat.miniprogramState,
          lang: 'zh_CN',
        },
      });
    });
    if ('outcome' in done) return done.outcome;
    const r = done.result;
    if (r.kind !== 'answer') return transport(r);
    const errcode = Number(r.body.errcode ?? 0);
    if (r.status >= 500) return { status: 'retry', error: `HTTP ${r.status}` };
    if (errcode === 0) return { status: 'sent', externalId: String(r.body.msgid ?? '') };
    const error = `errcode ${errcode}`;
    if (errcode === 43101) return { status: 'no_consent', errcode, error };
    // -1 busy, 45009 API frequency, token still rejected after a refresh
    if (errcode === -1 || errcode === 45009 || TOKEN_INVALID.has(errcode))
      return { status: 'retry', errcode, error };
    // 40003 openid, 40037 template id, 41030 page, 47003 data, 43107 …: sending it again cannot help
    return { status: 'failed', errcode, error };
  }
}

export interface WecomCard {
  touser: string;
  title: string;
  description: string;
  url: string;
  btntxt?: string;
}

export class WecomAppChannel {
  readonly token: SharedToken;
  constructor(
    db: Db,
    private readonly config: Config,
    now: () => Date,
  ) {
    const w = config.notify.wecom;
    this.token = new SharedToken(
      db,
      {
        app: `wecom:${w.corpId}:${w.agentId}`,
        url: () => {
          const u = new URL('/cgi-bin/gettoken', w.apiBase);
          u.search = new URLSearchParams({ corpid: w.corpId, corpsecret: w.agentSecret }).toString();
          return u;
        },
      },
      now,
    );
  }

  get configured(): boolean {
    const w = this.config.notify.wecom;
    return Boolean(w.corpId && w.agentId && w.agentSecret);
  }

  async send(card: WecomCard): Promise<Outcome> {
    const w = this.config.notify.wecom;
    const done = await withToken(this.token, (accessToken) => {
      const url = new URL('/cgi-bin/message/send', w.apiBase);
      url.searchParams.set('access_token', accessToken);
      return callJson(url, {
        method: 'POST',
        body: {
          touser: card.touser,
          msgtype: 'textcard',
          agentid: Number(w.agentId),
          textcard: {
            title: card.title,
            description: card.description,
            url: card.url,
            btntxt: card.btntxt ?? '详情',
          },
          enable_duplicate_check: 0,
        },
      });
    });
    if ('outcome' in done) return done.outcome;
    const r = done.result;
    if (r.kind !== 'answer') return transport(r);
    if (r.status >= 500) return { status: 'retry', error: `HTTP ${r.status}` };
    const errcode = Number(r.body.errcode ?? 0);
    const error = `errcode ${errcode}`;
    if (errcode === 0) {
      const invalid = String(r.body.invaliduser ?? '');
      if (invalid && invalid.split('|').includes(card.touser))
        return { status: 'failed', errcode: 81013, error: 'not a member of the corp or outside the app' };
      return { status: 'sent', externalId: String(r.body.msgid ?? '') };
    }
    if (errcode === -1 || errcode === 45009 || TOKEN_INVALID.has(errcode))
      return { status: 'retry', errcode, error };
    return { status: 'failed', errcode, error };
  }
}

export class WecomRobotChannel {
  constructor(private readonly config: Config) {}

  async send(webhookKey: string, markdown: string, now: Date): Promise<Outcome> {
    const url = new URL('/cgi-bin/webhook/send', this.config.notify.wecom.apiBase);
    url.searchParams.set('key', webhookKey);
    const r = await callJson(url, {
      method: 'POST',
      body: { msgtype: 'markdown', markdown: { content: markdown } },
    });
    if (r.kind !== 'answer') return transport(r);
    if (r.status >= 500) return { status: 'retry', error: `HTTP ${r.status}` };
    const errcode = Number(r.body.errcode ?? 0);
    const error = `errcode ${errcode}`;
    if (errcode === 0) return { status: 'sent' };
    // over 20 a minute: the robot pauses; wait out the minute
    if (errcode === 45009 || errcode === 130101)
      return { status: 'retry', errcode, error, retryAt: new Date(now.getTime() + 60_000) };
    if (errcode === -1) return { status: 'retry', errcode, error };
    return { status: 'failed', errcode, error };
  }
}

/** SMS, the last resort. No vendor is required: anything that can take an HTTP POST. */
export interface SmsSender {
  readonly configured: boolean;
  /** `to` is a phone number: never log it */
  send(to: string, text: string, ref: string): Promise<Outcome>;
}

/**
 * A generic HTTP SMS gateway: `POST NOTIFY_SMS_URL` with `{ to, text, ref }` as JSON and
 * `Authorization: Bearer NOTIFY_SMS_TOKEN`. 2xx: accepted; 429 and 5xx: try again; other 4xx: refused.
 * `ref` is the delivery id, for gateways that deduplicate.
 */
export class HttpSmsSender implements SmsSender {
  constructor(private readonly config: Config) {}

  get configured(): boolean {
    return Boolean(this.config.notify.sms.url);
  }

  async send(to: string, text: string, ref: string): Promise<Outcome> {
    const { url, token } = this.config.notify.sms;
    if (!url) return { status: 'failed', error: 'no SMS gateway configured' };
    const r = await callJson(url, {
      method: 'POST',
      body: { to, text, ref },
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (r.kind !== 'answer') return transport(r);
    if (r.status >= 200 && r.status < 300) return { status: 'sent', externalId: String(r.body.id ?? '') };
    if (r.status === 429 || r.status >= 500) return { status: 'retry', error: `HTTP ${r.status}` };
    return { status: 'failed', error: `HTTP ${r.status}` };
  }
}
