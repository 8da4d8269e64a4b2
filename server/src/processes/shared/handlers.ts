// Service-task handlers every process may use.
//   notify – tells people something through the notification outbox (the chat channels and the in-app inbox
//            read it: issue 5). Input parameters: `to` (user ids: a list or comma-separated), `title` and
//            `body` (zh-CN, may use ${…} expressions resolved by the diagram's input mapping), `template`
//            (a key the chat channels map to their message templates). One outbox row per execution.
import type { ServiceHandler } from '@linli/workflows';
import type { Services } from '../../services.js';
import { enqueueNotice } from './notify.js';

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [])
    .map((x) => String(x).trim())
    .filter(Boolean);

export function sharedHandlers(s: Services): Record<string, ServiceHandler> {
  return {
    notify: async ({ key, instanceId, input }) => {
      await enqueueNotice(s.db, {
        dedupKey: key,
        recipients: list(input.to),
        template: typeof input.template === 'string' ? input.template : 'case.update',
        title: String(input.title ?? '办事进度提醒'),
        body: String(input.body ?? ''),
        instanceId,
      });
    },
  };
}
