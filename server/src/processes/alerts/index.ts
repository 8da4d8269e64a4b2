// Device alerts (issue 6, server side): the signed ingest endpoints of the device-bridge (server/src/alerts),
// the alert API (routes.ts), devices, bridges, the grids' alert duty roster and the alert type settings
// (devices.ts), and the alert-handling case (bpmn/processes/alert-handling.bpmn, handlers.ts).
// docs/processes/alerts.md describes it for users and for admins who edit the diagram.
import type { ProcessModule } from '../module.js';
import { mapWorkflowErrors } from '../../workflow/errors.js';
import { ingestRoutes } from '../../alerts/routes.js';
import { alertHandlers } from './handlers.js';
import { alertRoutes } from './routes.js';
import { deviceRoutes } from './devices.js';

export const alertsModule: ProcessModule = {
  name: 'alerts',
  ownsTaskSteps: true,
  bpmn: ['alert-handling.bpmn'],
  routes: [...ingestRoutes, ...mapWorkflowErrors([...alertRoutes, ...deviceRoutes])],
  handlers: alertHandlers,
};
