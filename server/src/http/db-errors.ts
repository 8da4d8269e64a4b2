// Constraint violations from PostgreSQL become 4xx answers that say what clashed, instead of a 500.
import { ApiError } from './errors.js';

const UNIQUE_MESSAGES: Record<string, string> = {
  residents_id_number_key: 'A resident with this ID number is already registered in this community',
  rooms_address_key: 'A room with this standard address already exists',
  rooms_unit_number_key: 'This unit already has a room with this number',
  units_address_key: 'A unit with this name already exists in this building',
  buildings_address_key: 'A building with this name already exists in this compound',
  compounds_address_key: 'A compound with this name already exists in this community',
  org_units_code_key: 'Another org unit already has this code',
  vehicles_plate_key: 'A vehicle with this plate is already registered in this community',
  users_username_key: 'This username is taken',
  household_bindings_active_key: 'This resident is already bound to this room',
  users_resident_key: 'This resident already has an account',
};

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  cause?: unknown;
}

function pgErrorOf(err: unknown): PgError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const e = current as PgError;
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
    current = e.cause;
  }
  return undefined;
}

export function mapDbError(err: unknown): ApiError | undefined {
  const pg = pgErrorOf(err);
  if (!pg) return undefined;
  if (pg.code === '23505') {
    return new ApiError(
      409,
      'conflict',
      UNIQUE_MESSAGES[pg.constraint ?? ''] ?? 'A record with the same unique values already exists',
    );
  }
  if (pg.code === '23503')
    return new ApiError(400, 'invalid_reference', 'The request refers to a record that does not exist');
  if (pg.code === '40001' || pg.code === '40P01')
    return new ApiError(409, 'retry', 'The record was changed at the same time; try again');
  if (pg.code === '22001') return new ApiError(400, 'value_too_long', 'A value is longer than allowed');
  return undefined;
}
