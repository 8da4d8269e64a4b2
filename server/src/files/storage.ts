// Where file bytes are kept. The product ships a local-folder store; an S3-compatible store plugs in
// behind the same interface.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FileStore {
  put(data: Buffer): Promise<{ key: string; sha256: string }>;
  get(key: string): Promise<Buffer>;
}

/** Files under one folder, sharded by date; written to a temporary name and renamed, so never half-written. */
export class LocalFileStore implements FileStore {
  constructor(readonly root: string) {}

  async put(data: Buffer): Promise<{ key: string; sha256: string }> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const day = new Date().toISOString().slice(0, 10);
    const key = `${day}/${randomUUID()}`;
    const file = this.resolve(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.part`;
    await writeFile(tmp, data);
    await rename(tmp, file);
    return { key, sha256 };
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.resolve(key));
  }

  private resolve(key: string): string {
    if (!/^\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}$/.test(key)) throw new Error(`not a file key: ${key}`);
    return path.join(this.root, key);
  }
}
