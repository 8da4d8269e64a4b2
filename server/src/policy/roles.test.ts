import { RoleName } from '@linli/contracts';
import { ROLES } from '../db/schema.js';
import { PERMISSIONS } from './permissions.js';

it('knows the same roles in the API, the database and the permission table', () => {
  expect([...ROLES]).toEqual([...RoleName.options]);
  expect(Object.keys(PERMISSIONS).sort()).toEqual([...RoleName.options].sort());
});
