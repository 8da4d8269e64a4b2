// Community events, the closed loop (事件处置: 发现 → 上报 → 派单 → 处置 → 反馈 → 评价): categories, reports
// from a grid worker's patrol, a resident or the 12345 hotline, and what staff and reporters do with them.
import { z } from 'zod';
import { Id, MobilePhone, Paging } from './common.js';

export const EventSource = z.enum(['patrol', 'resident', 'hotline']);
export type EventSource = z.infer<typeof EventSource>;
export const EventTarget = z.enum(['grid_worker', 'property', 'street']);
export const EventCategoryKind = z.enum(['event', 'repair', 'dispute']);
export const EventState = z.enum([
  'reported',
  'classifying',
  'dispatched',
  'handled',
  'feedback',
  'closed',
  'converted',
]);
export type EventState = z.infer<typeof EventState>;

const CategoryCode = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be lower-case letters, digits and _ (e.g. fire_hazard)');

export const EventCategory = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  target: EventTarget,
  handlerOrgUnitId: Id.nullable(),
  limitValue: z.number().int(),
  limitUnit: z.enum(['hours', 'working_days']),
  kind: EventCategoryKind,
  /** '' for the categories every community uses */
  orgPath: z.string(),
  active: z.boolean(),
  sortOrder: z.number().int(),
});
export type EventCategory = z.infer<typeof EventCategory>;

export const CreateEventCategory = z.strictObject({
  code: CategoryCode,
  name: z.string().trim().min(1).max(40),
  description: z.string().trim().max(500).optional(),
  target: EventTarget,
  handlerOrgUnitId: Id.optional(),
  limitValue: z.number().int().min(1).max(720),
  limitUnit: z.enum(['hours', 'working_days']),
  kind: EventCategoryKind.default('event'),
  /** the org unit the category belongs to (default: the admin's own unit) */
  orgUnitId: Id.optional(),
  sortOrder: z.number().int().min(0).max(1000).optional(),
});
export const UpdateEventCategory = z
  .strictObject({
    name: z.string().trim().min(1).max(40),
    description: z.string().trim().max(500).nullable(),
    target: EventTarget,
    handlerOrgUnitId: Id.nullable(),
    limitValue: z.number().int().min(1).max(720),
    limitUnit: z.enum(['hours', 'working_days']),
    kind: EventCategoryKind,
    active: z.boolean(),
    sortOrder: z.number().int().min(0).max(1000),
  })
  .partial();

export const EventCategoryQuery = z.strictObject({
  /** the categories usable in this org unit (default: those of the caller's own units) */
  orgUnitId: Id.optional(),
  ...Paging,
});

const Location = {
  lat: z.number().min(-90).max(90, 'must be a latitude between -90 and 90'),
  lng: z.number().min(-180).max(180, 'must be a longitude between -180 and 180'),
};

/** A patrol report (随手拍) by a grid worker, or a resident's report. */
export const ReportEvent = z.strictObject({
  /** a category code; omitted: staff classify it */
  category: z.string().trim().min(1).max(40).optional(),
  title: z.string().trim().min(1).max(60).optional(),
  description: z.string().trim().min(2, 'describe what you saw').max(2000),
  photoFileIds: z.array(Id).max(9, 'at most 9 photos').default([]),
  location: z.strictObject({ ...Location, address: z.string().trim().max(200).optional() }).optional(),
  address: z.string().trim().min(1).max(200).optional(),
  /** a resident's report about their own room or compound (defaults to their bound room) */
  roomId: Id.optional(),
  compoundId: Id.optional(),
  /** staff: the grid it belongs to when the location cannot tell */
  gridId: Id.optional(),
});
export type ReportEvent = z.infer<typeof ReportEvent>;

/** A 12345 hotline ticket, typed in by staff or posted by the street's hotline integration. */
export const HotlineTicket = z.strictObject({
  ticketNo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{4,40}$/, 'must be the hotline ticket number (letters, digits, -)'),
  category: z.string().trim().min(1).max(40).optional(),
  title: z.string().trim().min(1).max(60).optional(),
  description: z.string().trim().min(2).max(4000),
  callerName: z.string().trim().min(1).max(40).optional(),
  callerPhone: MobilePhone.optional(),
  location: z.strictObject({ ...Location, address: z.string().trim().max(200).optional() }).optional(),
  address: z.string().trim().min(1).max(200).optional(),
  /** the grid (or community) the ticket was sent to */
  orgUnitId: Id.optional(),
  /** when the hotline received the call */
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});
export type HotlineTicket = z.infer<typeof HotlineTicket>;

export const ClassifyEvent = z.strictObject({
  category: z.string().trim().min(1).max(40),
  comment: z.string().trim().max(500).optional(),
});

export const HandleEvent = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('done'),
    result: z.string().trim().min(2, 'say what was done').max(2000),
    photoFileIds: z.array(Id).min(1, 'attach at least one photo of the result').max(9, 'at most 9 photos'),
  }),
  z.strictObject({
    /** not ours: back to classification (退回重新分派) */
    outcome: z.literal('send_back'),
    reason: z.string().trim().min(2, 'give the reason').max(500),
  }),
]);
export type HandleEvent = z.infer<typeof HandleEvent>;

export const RateEvent = z.strictObject({
  rating: z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
  comment: z.string().trim().max(500).optional(),
});

export const EventQuery = z.strictObject({
  state: EventState.optional(),
  category: z.string().trim().max(40).optional(),
  source: EventSource.optional(),
  /** only those past their time limit (open and overdue, or handled late) */
  overdue: z.enum(['true', 'false']).optional(),
  /** only the caller's own reports */
  mine: z.enum(['true', 'false']).optional(),
  ...Paging,
});

export const CommunityEvent = z.object({
  id: Id,
  instanceId: Id.nullable(),
  source: EventSource,
  hotlineTicketNo: z.string().nullable(),
  category: z.object({ id: Id, code: z.string(), name: z.string() }).nullable(),
  title: z.string(),
  description: z.string(),
  photoFileIds: z.array(Id),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  address: z.string().nullable(),
  gridId: Id.nullable(),
  compoundId: Id.nullable(),
  roomId: Id.nullable(),
  reporterUserId: Id.nullable(),
  /** hotline callers (staff only; phone masked) */
  caller: z.object({ name: z.string().nullable(), phoneMasked: z.string().nullable() }).optional(),
  state: EventState,
  target: EventTarget.nullable(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  overdueLevel: z.number().int(),
  result: z.string().nullable(),
  resultPhotoFileIds: z.array(Id),
  rating: z.number().int().nullable(),
  ratingComment: z.string().nullable(),
  closeReason: z.string().nullable(),
  hotlineReply: z.string().nullable(),
  convertedTo: z.enum(['repair', 'dispute']).nullable(),
  convertedCaseId: Id.nullable(),
  convertedInstanceId: Id.nullable(),
  reportedAt: z.string(),
  classifiedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  handledAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type CommunityEvent = z.infer<typeof CommunityEvent>;

/** What the hotline integration reads back for its reply to the caller (办理结果回复). */
export const HotlineReply = z.object({
  ticketNo: z.string(),
  eventId: Id,
  state: EventState,
  /** pending until the event is handled; resolved; transferred (became a repair or a dispute case) */
  status: z.enum(['pending', 'resolved', 'transferred']),
  reply: z.string().nullable(),
  handledAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type HotlineReply = z.infer<typeof HotlineReply>;
