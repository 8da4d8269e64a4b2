// WeChat subscribe-message consent (订阅消息): WeChat lets the app send a resident one message per template
// they accepted, and the dialog may only be shown in a tap handler. The server keeps the ledger
// (`GET /notifications/subscriptions` says which templates to ask for, missed ones first; `POST` records what
// the dialog answered). Pages call `prepareConsent()` when they open, so that at the tap `askConsent(scene)` can
// show the dialog at once (a network call before it would make WeChat refuse it as not triggered by a tap).
// The browser build (h5) has no subscribe messages: both do nothing there.
import Taro from '@tarojs/taro';
import { api } from './http';
import { IS_H5 } from './env';
import { loadSession } from './session';

/** `GET /notifications/subscriptions` (contracts `ConsentOverview`) */
export interface ConsentOverview {
  templates: { key: string; templateId: string; available: number; longTerm: boolean; missed: number }[];
  /** template ids to pass to the next dialog (at most 3, missed first) */
  ask: string[];
}

/** where the app asks: the product's template keys that tell about what the resident just did */
export type ConsentScene = 'repair' | 'approval' | 'volunteer';
const SCENE_KEYS: Record<ConsentScene, string[]> = {
  repair: ['repair.', 'case.', 'task.'],
  approval: ['approval.', 'case.'],
  volunteer: ['volunteer.'],
};
/** WeChat takes at most 3 template ids a call */
const MAX_IDS = 3;

let overview: ConsentOverview | null = null;
let loading: Promise<ConsentOverview | null> | null = null;

const supported = () =>
  !IS_H5 && typeof (Taro as { requestSubscribeMessage?: unknown }).requestSubscribeMessage === 'function';

/** fetch which templates to ask for; quiet on failure (asking is a courtesy, never in the way) */
export function prepareConsent(): Promise<ConsentOverview | null> {
  if (!supported() || !loadSession()) return Promise.resolve(null);
  loading ??= api
    .get<ConsentOverview>('/notifications/subscriptions')
    .then((o) => (overview = o))
    .catch(() => null)
    .finally(() => {
      loading = null;
    });
  return loading;
}

/** the template ids to ask for in a scene: those the server wants asked whose key fits the scene, then `*` */
export function consentIdsFor(o: ConsentOverview, scene: ConsentScene): string[] {
  const keyOf = new Map(o.templates.map((t) => [t.templateId, t.key]));
  const fits = (id: string) => {
    const key = keyOf.get(id) ?? '';
    return SCENE_KEYS[scene].some((p) => key.startsWith(p)) || key === '*';
  };
  return o.ask.filter(fits).slice(0, MAX_IDS);
}

/**
 * Ask for consent at a tap (submitting a repair, applying, claiming a wish), before the request it belongs to,
 * and report each template's answer to the server. Never throws; resolves once the dialog is answered (the report goes on in the background).
 */
export async function askConsent(scene: ConsentScene): Promise<void> {
  if (!supported()) return;
  try {
    // no await before the dialog when prepared: WeChat only shows it from a tap
    const o = overview ?? (await prepareConsent());
    const tmplIds = o ? consentIdsFor(o, scene) : [];
    if (!tmplIds.length) return;
    // (Taro's typing wants Alipay's entityIds too; WeChat takes tmplIds alone)
    const option = { tmplIds } as unknown as Taro.requestSubscribeMessage.Option;
    const res = (await Taro.requestSubscribeMessage(option)) as unknown as Record<string, string>;
    const results: Record<string, string> = {};
    for (const id of tmplIds)
      if (['accept', 'reject', 'ban', 'filter'].includes(res[id] ?? '')) results[id] = res[id]!;
    if (!Object.keys(results).length) return;
    // reported in the background: the tap's own request goes on at once
    void api
      .post<ConsentOverview>('/notifications/subscriptions', { results })
      .then((o) => (overview = o))
      .catch(() => undefined);
  } catch {
    // the dialog was dismissed or WeChat refused it (too many asks, no tap): send what was asked for anyway
  }
}
