// The notification service: channels, dispatcher, and (on PostgreSQL) the cross-process push fan-out.
import { eq } from 'drizzle-orm';
import type { Services } from '../services.js';
import { users } from '../db/schema.js';
import { connectedUrl } from '../db/client.js';
import {
  HttpSmsSender,
  WechatSubscribeChannel,
  WecomAppChannel,
  WecomRobotChannel,
  type Outcome,
  type SmsSender,
} from './channels.js';
import { NotifyDispatcher, type DispatcherOptions } from './dispatcher.js';
import { PgFanout } from './fanout.js';
import type { Usable } from './plan.js';
import type { notifyDeliveries } from './schema.js';
import { loadTemplates, type Templates } from './templates.js';

export class NotifyChannels {
  readonly wechat: WechatSubscribeChannel;
  readonly wecom: WecomAppChannel;
  readonly robot: WecomRobotChannel;

  constructor(
    private readonly s: Services,
    readonly templates: Templates,
    readonly sms: SmsSender,
  ) {
    this.wechat = new WechatSubscribeChannel(s.db, s.config, () => s.now());
    this.wecom = new WecomAppChannel(s.db, s.config, () => s.now());
    this.robot = new WecomRobotChannel(s.config);
  }

  usable(): Usable {
    return { wechat: this.wechat.configured, wecom: this.wecom.configured, sms: this.sms.configured };
  }

  async send(d: typeof notifyDeliveries.$inferSelect): Promise<Outcome> {
    const m = d.message as Record<string, unknown>;
    const link = typeof m.link === 'string' ? m.link : '';
    if (d.channel === 'wechat')
      return this.wechat.send({
        openid: String(m.openid),
        templateId: String(m.templateId),
        ...(typeof m.page === 'string' ? { page: m.page } : {}),
        data: m.data as Record<string, { value: string }>,
      });
    if (d.channel === 'wecom')
      return this.wecom.send({
        touser: String(m.wecomUserId),
        title: String(m.title).slice(0, 128),
        description: String(m.body).slice(0, 512),
        url: new URL(link || '/', this.s.config.notify.linkBase).toString(),
        btntxt: typeof m.button === 'string' ? m.button : undefined,
      });
    if (d.channel === 'sms') {
      // the phone is decrypted for this call only and never stored with the delivery or logged
      const [u] = await this.s.db
        .select({ phoneEnc: users.phoneEnc })
        .from(users)
        .where(eq(users.id, d.userId!));
      if (!u?.phoneEnc) return { status: 'failed', error: 'no phone number' };
      return this.sms.send(
        this.s.vault.decrypt(u.phoneEnc),
        `【邻里】${String(m.title)}：${String(m.body)}`.slice(0, 300),
        d.id,
      );
    }
    return { status: 'failed', error: `channel ${d.channel} is not a person channel` };
  }
}

export interface Notify {
  channels: NotifyChannels;
  dispatcher: NotifyDispatcher;
  /** PostgreSQL only: pushes between processes; started by startHttp */
  fanout: PgFanout | undefined;
  startFanout(): Promise<void>;
  close(): Promise<void>;
}

export interface NotifyOptions {
  dispatcher?: DispatcherOptions;
  sms?: SmsSender;
  templates?: Templates;
}

export function createNotify(s: Services, opts: NotifyOptions = {}): Notify {
  const templates = opts.templates ?? loadTemplates(s.config.notify.templatesFile);
  const channels = new NotifyChannels(s, templates, opts.sms ?? new HttpSmsSender(s.config));
  const dispatcher = new NotifyDispatcher(s, channels, opts.dispatcher);
  const notify: Notify = {
    channels,
    dispatcher,
    fanout: undefined,
    async startFanout() {
      if (s.store.driver !== 'postgres' || !s.config.databaseUrl || notify.fanout) return;
      // listen on the database the store really uses
      notify.fanout = new PgFanout(await connectedUrl(s.store, s.config.databaseUrl), s.push, s.logger);
      await notify.fanout.start();
    },
    async close() {
      await dispatcher.stop();
      await notify.fanout?.close();
      notify.fanout = undefined;
    },
  };
  return notify;
}
