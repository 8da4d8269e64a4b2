// Encrypted personal fields: what is stored for a value, and how it is masked.
import type { Vault } from '../lib/crypto.js';

export const maskIdNumber = (id: string) =>
  `${id.slice(0, 3)}${'*'.repeat(Math.max(0, id.length - 7))}${id.slice(-4)}`;
export const maskPhone = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

export function sealIdNumber(vault: Vault, id: string | null | undefined) {
  if (id === undefined) return {};
  if (id === null) return { idNumberEnc: null, idNumberHash: null, idNumberMasked: null };
  return {
    idNumberEnc: vault.encrypt(id),
    idNumberHash: vault.blindIndex(id),
    idNumberMasked: maskIdNumber(id),
  };
}

export function sealPhone(vault: Vault, phone: string | null | undefined) {
  if (phone === undefined) return {};
  if (phone === null) return { phoneEnc: null, phoneHash: null, phoneMasked: null };
  return {
    phoneEnc: vault.encrypt(phone),
    phoneHash: vault.blindIndex(phone),
    phoneMasked: maskPhone(phone),
  };
}

/** The year-month-day birth date carried inside an 18-character ID number. */
export function birthDateFromIdNumber(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** The gender carried by the 17th digit of an ID number: odd is male. */
export function genderFromIdNumber(id: string): 'male' | 'female' {
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}
