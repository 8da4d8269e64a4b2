// Personal data at rest: AES-256-GCM with a random IV per value, plus a keyed hash (HMAC-SHA256) so that
// exact lookups (who has this ID number?) work without decrypting every row.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface Vault {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** deterministic keyed hash of a normalised value, for equality lookups */
  blindIndex(value: string): string;
}

export function createVault(masterKey: Buffer): Vault {
  const encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'linli:pii:enc', 32));
  const idxKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'linli:pii:index', 32));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    decrypt(stored) {
      const [version, payload] = stored.split(':');
      if (version !== VERSION || !payload) throw new Error('unknown ciphertext format');
      const raw = Buffer.from(payload, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    blindIndex(value) {
      return createHmac('sha256', idxKey).update(value.trim().toUpperCase()).digest('base64url');
    },
  };
}
