// The one place where the workflow runtime's errors become API errors. Workflow routes are wrapped with
// `mapWorkflowErrors`, so a handler simply lets a WorkflowError through.
import { ConflictError, DefinitionError, WorkflowError } from '@linli/workflows';
import { ApiError } from '../http/errors.js';
import type { RouteDef } from '../http/route.js';

// an engine failure stays a 500, but says what failed: it is the diagram or a handler, not a server bug
const MAPPED: Record<WorkflowError['code'], [status: number, id: string]> = {
  not_found: [404, 'not_found'],
  invalid: [422, 'invalid_operation'],
  conflict: [409, 'conflict'],
  forbidden: [403, 'forbidden'],
  engine: [500, 'workflow_engine'],
};

export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof DefinitionError) {
    return new ApiError(422, 'invalid_definition', err.message, { problems: err.problems });
  }
  if (err instanceof ConflictError)
    return new ApiError(409, 'conflict', 'The case was changed at the same time; try again');
  if (!(err instanceof WorkflowError)) return undefined;
  if (err.code === 'invalid' && Array.isArray(err.details)) {
    // a rejected deploy: every problem, each with the element it is about, so the diagram is fixed in one pass
    return new ApiError(422, 'invalid_definition', err.message, { problems: err.details });
  }
  if (err.code === 'invalid' && isFormDetails(err.details)) {
    // a task's form (camunda:formData) refused what was given: each field with its problem
    return new ApiError(422, 'invalid_form', err.message, { fields: err.details.fields });
  }
  const [status, id] = MAPPED[err.code];
  return new ApiError(status, id, err.message);
}

function isFormDetails(details: unknown): details is { fields: { field: string; message: string }[] } {
  return (
    typeof details === 'object' && details !== null && Array.isArray((details as { fields?: unknown }).fields)
  );
}

/** Wraps each route's handler so that runtime errors answer with their status; engine failures are logged. */
export function mapWorkflowErrors(routes: RouteDef[]): RouteDef[] {
  return routes.map((route) => ({
    ...route,
    handler: async (ctx) => {
      try {
        return await route.handler(ctx);
      } catch (err) {
        const mapped = toApiError(err);
        if (!mapped) throw err;
        if (mapped.status >= 500)
          ctx.services.logger.error({ err, requestId: ctx.requestId }, 'workflow engine failed');
        throw mapped;
      }
    },
  }));
}
