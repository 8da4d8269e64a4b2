// Message templates are configuration: per product key (task.created, repair.dispatched …, `repair.*`, `*`),
// the WeChat subscribe-message template id, how its fields are filled, and the mini-program page to open.
// WeChat template ids belong to one mini-program (they are picked in its admin console), so there are no
// built-in ids: without a templates file (NOTIFY_TEMPLATES_FILE) nothing goes out as a subscribe message.
//
// {
//   "task.created": { "wechat": { "templateId": "AbC…", "page": "pages/task/index?id={taskId}",
//                                 "fields": { "thing1": "title", "time2": "dueAt", "thing3": "body" } } },
//   "*":            { "wechat": { "templateId": "XyZ…", "fields": { "thing1": "title", "thing2": "body" } } }
// }
// A field's source: `title`, `body`, `createdAt`, `dueAt`, `data.<name>`, or `=literal text`. Values are cut to
// what WeChat accepts for the key's type (thing: 20 characters, phrase: 5, name: 10, character_string: 32,
// time/date: China time). A page may use `{name}` placeholders from the message (taskId, instanceId, data.x).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { chinaDate, chinaDateTime } from './time.js';

const WechatTemplate = z.object({
  templateId: z.string().min(1),
  page: z.string().optional(),
  fields: z.record(z.string(), z.string()),
});
const TemplateEntry = z.object({
  wechat: WechatTemplate.optional(),
  /** text on the WeCom card's button */
  wecomButton: z.string().optional(),
});
export const TemplatesFile = z.record(z.string(), TemplateEntry);
export type Templates = z.infer<typeof TemplatesFile>;
export type TemplateEntry = z.infer<typeof TemplateEntry>;

export function loadTemplates(file: string | undefined): Templates {
  if (!file) return {};
  return TemplatesFile.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The entry for a key: exact, then the longest matching `prefix.*`, then `*`. */
export function templateFor(templates: Templates, key: string): TemplateEntry | undefined {
  if (templates[key]) return templates[key];
  const parts = key.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const glob = `${parts.slice(0, i).join('.')}.*`;
    if (templates[glob]) return templates[glob];
  }
  return templates['*'];
}

/** glob match of template keys (`alert.*`, `*.overdue`) */
export function matchesAny(key: string, globs: string[]): boolean {
  return globs.some((g) =>
    new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key),
  );
}

export interface MessageView {
  title: string;
  body: string;
  createdAt: Date;
  dueAt?: string | null;
  taskId?: string | null;
  instanceId?: string | null;
  data: Record<string, unknown>;
}

const cut = (v: string, n: number) => ([...v].length > n ? [...v].slice(0, n - 1).join('') + '…' : v);

function sourceValue(source: string, m: MessageView): unknown {
  if (source.startsWith('=')) return source.slice(1);
  if (source === 'title') return m.title;
  if (source === 'body') return m.body;
  if (source === 'createdAt') return m.createdAt;
  if (source === 'dueAt') return m.dueAt ? new Date(m.dueAt) : null;
  if (source.startsWith('data.')) return m.data[source.slice(5)];
  return undefined;
}

function formatFor(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const type = key.replace(/\d+$/, '');
  if (type === 'time' || type === 'date') {
    const d = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(d.getTime())) return '-';
    return type === 'time' ? chinaDateTime(d) : chinaDate(d);
  }
  const text = value instanceof Date ? chinaDateTime(value) : String(value).replace(/\s+/g, ' ').trim();
  const limits: Record<string, number> = {
    thing: 20,
    phrase: 5,
    name: 10,
    character_string: 32,
    number: 32,
    letter: 32,
    symbol: 5,
    car_number: 8,
    phone_number: 17,
    amount: 32,
  };
  return cut(text, limits[type] ?? 20);
}

export function renderWechatData(
  fields: Record<string, string>,
  m: MessageView,
): Record<string, { value: string }> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, source]) => [key, { value: formatFor(key, sourceValue(source, m)) }]),
  );
}

export function renderPage(page: string | undefined, m: MessageView): string | undefined {
  if (!page) return undefined;
  return page.replace(/\{([\w.]+)\}/g, (_, name: string) => {
    const v =
      name === 'taskId'
        ? m.taskId
        : name === 'instanceId'
          ? m.instanceId
          : name.startsWith('data.')
            ? m.data[name.slice(5)]
            : undefined;
    return encodeURIComponent(String(v ?? ''));
  });
}
