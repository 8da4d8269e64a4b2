import { z } from 'zod';
import { Id } from './common.js';

export const RoleName = z.enum([
  'resident',
  'volunteer',
  'grid_worker',
  'property_staff',
  'technician',
  'community_admin',
  'street_admin',
  'district_admin',
]);
export type RoleName = z.infer<typeof RoleName>;

export const WechatLogin = z.strictObject({ code: z.string().trim().min(1, 'is required').max(128) });
export const PasswordLogin = z.strictObject({
  username: z.string().trim().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(256),
});
export const DevLogin = z.strictObject({ username: z.string().trim().min(1).max(64) });
export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(20).max(200) });

export const Grant = z.object({
  id: Id.optional(),
  role: RoleName,
  orgUnitId: Id,
  orgUnitName: z.string().optional(),
  propertyCompanyId: Id.nullable().optional(),
});

export const Me = z.object({
  id: Id,
  displayName: z.string(),
  username: z.string().nullable(),
  residentId: Id.nullable(),
  roles: z.array(Grant),
  phone: z.string().nullable(),
  realNameVerified: z.boolean(),
});
export type Me = z.infer<typeof Me>;

/**
 * What each of the caller's roles may do, straight from the server's one permission table, so that clients show
 * only the buttons a role may use (the server refuses anyway). Keyed by role name; `permissions` by resource
 * (`residents`, `household_bindings` …) to the actions granted (`read`, `reveal` …).
 */
export const MyPermissions = z.object({
  roles: z.record(
    z.string(),
    z.object({
      permissions: z.record(z.string(), z.array(z.string())),
      /** personal fields the role may reveal in full (audited) */
      revealable: z.array(z.string()),
      /** roles it may grant to others */
      grantable: z.array(RoleName),
    }),
  ),
});
export type MyPermissions = z.infer<typeof MyPermissions>;

export const Session = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.string(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.string(),
  user: Me,
});
export type Session = z.infer<typeof Session>;

export const StaffUser = z.object({
  id: Id,
  displayName: z.string(),
  username: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  locked: z.boolean(),
  roles: z.array(Grant),
});
export const UserQuery = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  role: RoleName.optional(),
  orgUnitId: Id.optional(),
  q: z.string().max(50).optional(),
});
const Password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(128)
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), 'must contain letters and digits');
export const CreateUser = z.strictObject({
  displayName: z.string().trim().min(1).max(50),
  username: z
    .string()
    .trim()
    .regex(
      /^[a-z][a-z0-9_.-]{2,31}$/,
      'must be 3-32 lowercase letters, digits, . _ or -, starting with a letter',
    ),
  password: Password,
  phone: z
    .string()
    .trim()
    .regex(/^1[3-9]\d{9}$/, 'must be an 11-digit mainland mobile number')
    .optional(),
  roles: z
    .array(Grant.pick({ role: true, orgUnitId: true, propertyCompanyId: true }))
    .min(1)
    .max(10),
});
export const UpdateUser = z.strictObject({
  displayName: z.string().trim().min(1).max(50).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  password: Password.optional(),
  unlock: z.literal(true).optional(),
});
export const AddGrant = Grant.pick({ role: true, orgUnitId: true, propertyCompanyId: true }).strict();
export const GrantParams = z.strictObject({ id: Id, grantId: Id });
