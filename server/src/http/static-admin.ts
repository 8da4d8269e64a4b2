// Serve the admin console's production build (admin/dist) at /admin: files as they are, every other path
// under /admin the SPA's index.html (client-side routes). Without a build, /admin is not served at all (404).
import type Koa from 'koa';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADMIN_PREFIX = '/admin';

/** admin/dist, next to the server workspace */
export const DEFAULT_ADMIN_DIST = fileURLToPath(new URL('../../../admin/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

async function fileAt(file: string): Promise<{ size: number; mtime: Date } | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Koa middleware serving `distDir` at /admin (GET and HEAD only); passes everything else on. */
export function serveAdmin(distDir: string = DEFAULT_ADMIN_DIST): Koa.Middleware {
  const root = path.resolve(distDir);
  return async (ctx, next) => {
    if (ctx.path !== ADMIN_PREFIX && !ctx.path.startsWith(`${ADMIN_PREFIX}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const index = path.join(root, 'index.html');
    if (!(await fileAt(index))) return next();
    ctx.state.routePath = `${ADMIN_PREFIX}/*`; // one metrics label for the whole console
    if (ctx.path === ADMIN_PREFIX) {
      ctx.redirect(`${ADMIN_PREFIX}/`);
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path.slice(ADMIN_PREFIX.length + 1));
    } catch {
      return next();
    }
    const wanted = path.resolve(root, relative);
    // nothing outside the build folder, however the path is spelled
    if (wanted !== root && !wanted.startsWith(root + path.sep)) return next();
    let file = relative !== '' ? wanted : index;
    let info = await fileAt(file);
    if (!info) {
      // a missing asset is a 404; any other path is a client-side route
      if (path.extname(relative) !== '') return next();
      file = index;
      info = (await fileAt(index))!;
    }
    ctx.type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    ctx.length = info.size;
    ctx.lastModified = info.mtime;
    // hashed build assets never change; index.html must be revalidated to pick up a new build
    ctx.set(
      'Cache-Control',
      file.startsWith(path.join(root, 'assets') + path.sep)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    );
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (ctx.method === 'HEAD') ctx.status = 200;
    else ctx.body = createReadStream(file);
  };
}
