// The WeChat build: `taro build --type weapp` succeeds, app.json lists every page (tabs in the main package, the
// rest in subpackages), every page has its .js/.json/.wxml, and the main package stays under 1 MB (WeChat's
// limit is 2 MB).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildMiniprogram } from './harness.js';

const MAIN_PACKAGE_BUDGET = 1024 * 1024;

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  tabBar?: { list: { pagePath: string }[] };
}

function sizeOf(dir: string, skip: (rel: string) => boolean, rel = ''): number {
  let total = 0;
  for (const name of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (skip(r)) continue;
    const st = statSync(path.join(dir, r));
    total += st.isDirectory() ? sizeOf(dir, skip, r) : st.size;
  }
  return total;
}

let out: string;
let app: AppJson;

beforeAll(async () => {
  out = await buildMiniprogram('weapp');
  app = JSON.parse(readFileSync(path.join(out, 'app.json'), 'utf8')) as AppJson;
}, 600_000);

test('app.json lists the tab pages in the main package and the others in subpackages', () => {
  expect(app.pages).toEqual(['pages/index/index', 'pages/messages/index', 'pages/me/index']);
  const subs = app.subPackages ?? app.subpackages ?? [];
  const subPages = subs.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`));
  expect(subPages).toEqual(
    expect.arrayContaining([
      'pages/login/index',
      'pages/repair/report',
      'pages/repair/list',
      'pages/repair/detail',
      'pages/tasks/index',
      'pages/task/index',
    ]),
  );
  // every tab is a main-package page
  for (const tab of app.tabBar?.list ?? []) expect(app.pages).toContain(tab.pagePath);
});

test('every page has its .js, .json and .wxml', () => {
  const subs = app.subPackages ?? app.subpackages ?? [];
  const all = [...app.pages, ...subs.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
  const missing = all.flatMap((p) =>
    ['.js', '.json', '.wxml'].filter((ext) => !existsSync(path.join(out, p + ext))).map((ext) => p + ext),
  );
  expect(missing).toEqual([]);
});

test('the main package is under 1 MB', () => {
  const subs = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root);
  const main = sizeOf(out, (rel) => subs.some((root) => rel === root || rel.startsWith(`${root}/`)));
  expect(main).toBeGreaterThan(0);
  expect(main).toBeLessThan(MAIN_PACKAGE_BUDGET);
});
