// A real server on a free port over a fresh database, for tests that speak HTTP like a client would.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../env.js';
import { buildServices, startHttp, type BuildOptions, type RunningServer } from '../server.js';
import type { HubOptions } from '../ws/hub.js';
import { createLogger } from '../lib/logger.js';
import { createTestStore } from './db.js';

export interface TestServer extends RunningServer {
  api: ApiClient;
}

/** `options`: service-task handlers and a clock for the workflow runtime, and WebSocket hub settings. */
export async function createTestServer(
  env: Record<string, string> = {},
  options: BuildOptions & { ws?: HubOptions } = {},
): Promise<TestServer> {
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    FILES_DIR: mkdtempSync(path.join(os.tmpdir(), 'linli-files-')),
    ...env,
  });
  const test = await createTestStore();
  const { ws, ...build } = options;
  const services = buildServices(config, test.store, createLogger(config.logLevel), build);
  const running = await startHttp(services, ws);
  return {
    ...running,
    api: new ApiClient(running.url),
    close: async () => {
      await running.close();
      await test.dispose();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly base: string) {}

  async request<T = any>(
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: unknown;
      raw?: Buffer | string;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Uint8Array | undefined;
    if (opts.raw !== undefined) {
      body = typeof opts.raw === 'string' ? opts.raw : new Uint8Array(opts.raw);
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, token?: string) {
    return this.request<T>('GET', path, { token });
  }
  post<T = any>(path: string, body?: unknown, token?: string) {
    return this.request<T>('POST', path, { token, body });
  }
  patch<T = any>(path: string, body?: unknown, token?: string) {
    return this.request<T>('PATCH', path, { token, body });
  }
  delete<T = any>(path: string, token?: string) {
    return this.request<T>('DELETE', path, { token });
  }
}
