// Demo data of the community processes (duty rosters, the approval catalogue, mediation committees, event
// categories, volunteer activities and the points mall), loaded with the demo community. Each is idempotent.
import type { Services } from '../services.js';
import { seedDemo as approval } from './approval/seed.js';
import { seedDemo as dispute } from './dispute/seed.js';
import { seedDemo as events } from './events/seed.js';
import { seedDemo as repair } from './repair/seed.js';
import { seedDemo as volunteer } from './volunteer/seed.js';
import { seedDemo as alerts } from './alerts/seed.js';
import { prepareProcesses } from './deploy.js';

export async function seedProcessDemos(s: Services): Promise<void> {
  await prepareProcesses(s);
  for (const seed of [repair, dispute, approval, volunteer, events, alerts]) await seed(s);
}
