// Each community process's rows of the authorisation matrix, and the fixtures they need.
import type { Expectation, MatrixFixtures } from '../testing/matrix.js';
import * as repair from './repair/matrix.js';
import * as dispute from './dispute/matrix.js';
import * as approval from './approval/matrix.js';
import * as volunteer from './volunteer/matrix.js';
import * as events from './events/matrix.js';
import * as alerts from './alerts/matrix.js';
import * as notices from '../routes/notices.matrix.js';

const parts = [repair, dispute, approval, volunteer, events, alerts, notices];

export const PROCESS_EXPECTATIONS: Record<string, Expectation> = Object.assign(
  {},
  ...parts.map((p) => p.expectations),
);

export const processFixtures: MatrixFixtures = async (s, world) => {
  for (const p of parts) await p.fixtures(s, world);
};
