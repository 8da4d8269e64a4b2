// Request bodies are read only by routes that declare one, with a size limit enforced while reading.
import type Koa from 'koa';
import { badRequest, payloadTooLarge, unsupportedMediaType } from './errors.js';

export async function readRaw(ctx: Koa.Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) {
    ctx.set('Connection', 'close');
    throw payloadTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      ctx.set('Connection', 'close');
      throw payloadTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readJson(ctx: Koa.Context, limit: number): Promise<unknown> {
  const type = ctx.get('content-type');
  const raw = await readRaw(ctx, limit);
  if (raw.length === 0) return undefined;
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw unsupportedMediaType('application/json');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`);
  }
}
