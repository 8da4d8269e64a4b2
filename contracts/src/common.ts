import { z } from 'zod';

export const Id = z.uuid({ message: 'must be a UUID' });
export const IdParams = z.strictObject({ id: Id });

export const Paging = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const ErrorBody = z.object({
  error: z.object({ id: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The check character (GB 11643-1999) of the first 17 digits of a resident ID number. */
export function idNumberCheckDigit(first17: string): string {
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return '10X98765432'[sum % 11]!;
}

/** Chinese resident ID number (GB 11643-1999), 18 characters with its check digit. */
export function isValidIdNumber(value: string): boolean {
  return /^\d{17}[\dX]$/.test(value) && idNumberCheckDigit(value.slice(0, 17)) === value[17];
}

export const IdNumber = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .refine(isValidIdNumber, { message: 'is not a valid 18-character resident ID number' });

export const MobilePhone = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, { message: 'must be an 11-digit mainland mobile number' });

export const PlateNumber = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .refine(
    (v) =>
      /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-HJ-NP-Z0-9]{5,6}$/.test(v),
    {
      message: 'is not a valid Chinese plate number',
    },
  );

export const IsoDate = z.iso.date({ message: 'must be a date as YYYY-MM-DD' });

export const Name = z.string().trim().min(1, 'is required').max(100);
