// Notifications: the in-app inbox, channel preferences, the WeChat subscribe-message consent ledger, grid robots,
// and what the WebSocket hub sends and accepts beyond the workflow pushes.
import { z } from 'zod';
import { Id, Paging, pageOf } from './common.js';

export const Urgency = z.enum(['normal', 'urgent']);
export type Urgency = z.infer<typeof Urgency>;

/** The external channels; the in-app inbox is always used on top of them. */
export const NotifyChannel = z.enum(['wechat', 'wecom', 'sms']);
export type NotifyChannel = z.infer<typeof NotifyChannel>;

export const NotificationItem = z.object({
  id: Id,
  /** per user, increasing in commit order: the WebSocket resume cursor */
  seq: z.number().int(),
  template: z.string(),
  urgency: Urgency,
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  instanceId: Id.nullable(),
  taskId: Id.nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type NotificationItem = z.infer<typeof NotificationItem>;

export const NotificationQuery = z.strictObject({
  ...Paging,
  /** only unread items */
  unread: z.enum(['true', 'false']).optional(),
  /** items after this sequence number (catching up without the socket) */
  after: z.coerce.number().int().min(0).optional(),
});
export const NotificationPage = pageOf(NotificationItem);

export const UnreadCount = z.object({ unread: z.number().int(), lastSeq: z.number().int() });

export const MarkRead = z
  .strictObject({
    ids: z.array(Id).min(1).max(500).optional(),
    /** everything up to and including this sequence number */
    upToSeq: z.number().int().min(0).optional(),
    all: z.literal(true).optional(),
  })
  .refine((b) => b.ids || b.upToSeq !== undefined || b.all, 'give ids, upToSeq or all');
export const MarkReadResult = z.object({ updated: z.number().int(), unread: z.number().int() });

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

export const NotifyPreferences = z.object({
  /** external channels in order of preference for normal items (the first one that can reach you is used) */
  normal: z.array(NotifyChannel).max(3),
  /** for urgent items: the first channel at once, the next one when the item stays unread */
  urgent: z.array(NotifyChannel).max(3),
  /** quiet hours (China time) for normal items; null: the installation's default */
  quietStart: HHMM.nullable(),
  quietEnd: HHMM.nullable(),
  wecomUserId: z.string().max(64).nullable(),
  supervisorId: Id.nullable(),
});
export type NotifyPreferences = z.infer<typeof NotifyPreferences>;
export const NotifyPreferencesUpdate = NotifyPreferences.partial().strict();

/** What `wx.requestSubscribeMessage` answered, per template id. */
export const SubscribeResult = z.enum(['accept', 'reject', 'ban', 'filter']);
export const SubscribeReport = z.strictObject({
  results: z.record(z.string().min(1).max(128), SubscribeResult),
});

export const ConsentState = z.object({
  /** the product's template key (task.created, repair.dispatched …) */
  key: z.string(),
  templateId: z.string(),
  /** one-time consents left */
  available: z.number().int(),
  longTerm: z.boolean(),
  /** sends skipped for want of a consent since the last accept */
  missed: z.number().int(),
  lastResult: z.string().nullable(),
});
export const ConsentOverview = z.object({
  templates: z.array(ConsentState),
  /** template ids to pass to the next `requestSubscribeMessage` (at most 3, missed first) */
  ask: z.array(z.string()),
});

/** People in my area whose notifications were skipped for want of a subscribe-message consent. */
export const ConsentGap = z.object({
  userId: Id,
  displayName: z.string(),
  templateId: z.string(),
  missed: z.number().int(),
  lastResult: z.string().nullable(),
  updatedAt: z.string(),
});
export const ConsentGapQuery = z.strictObject({ ...Paging });
export const ConsentGapPage = pageOf(ConsentGap);

export const RobotConfig = z.object({
  orgUnitId: Id,
  name: z.string().nullable(),
  /** the key's last 4 characters only */
  keyHint: z.string(),
  pausedUntil: z.string().nullable(),
});
export const RobotUpdate = z.strictObject({
  orgUnitId: Id,
  webhookKey: z.string().min(8).max(200),
  name: z.string().max(100).optional(),
});
export const RobotList = z.object({ items: z.array(RobotConfig) });

/** Pushed over /ws in addition to the workflow pushes. */
export const NotifyPush = z.discriminatedUnion('type', [
  z.object({ type: z.literal('notification'), item: NotificationItem }),
  /** the replay after a `resume` is complete: live pushes follow */
  z.object({ type: z.literal('resumed'), since: z.number().int(), lastSeq: z.number().int() }),
  z.object({ type: z.literal('pong') }),
]);
export type NotifyPush = z.infer<typeof NotifyPush>;

/** What a client may send over /ws (anything else is ignored). `?since=` on the URL works like `resume`. */
export const ClientSocketMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), since: z.number().int().min(0) }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientSocketMessage = z.infer<typeof ClientSocketMessage>;

/** Deliveries that did not go out (or may not have), for an admin to look at and send again. */
export const DeliveryProblem = z.enum(['failed', 'uncertain', 'no_consent']);
export const DeliveryQuery = z.object({
  ...Paging,
  status: DeliveryProblem.optional(),
  channel: z.enum(['wechat', 'wecom', 'robot', 'sms']).optional(),
});
export const DeliveryItem = z.object({
  id: Id,
  channel: z.enum(['wechat', 'wecom', 'robot', 'sms']),
  status: z.string(),
  template: z.string(),
  urgency: z.enum(['normal', 'urgent']),
  title: z.string(),
  /** the person (display name) or the work group it was for */
  recipient: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export const DeliveryPage = pageOf(DeliveryItem);
export const DeliveryRetry = z.strictObject({
  ids: z.array(Id).min(1).max(200),
  /** an 'uncertain' send may have reached the person: sending again can repeat it; say that is acceptable */
  acceptRepeat: z.boolean().default(false),
});
export const DeliveryRetryResult = z.object({
  retried: z.number().int(),
  /** ids not found in my area, already sent, or uncertain without acceptRepeat */
  skipped: z.array(Id),
});
