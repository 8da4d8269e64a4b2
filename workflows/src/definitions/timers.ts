// The built-in timer check: ISO 8601 as BPMN and Camunda Modeler write it. The runtime may pass its own
// (ValidationContext.checkTimer) when it understands more, such as working-day durations.
import type { TimerKind } from './types.js';

export type TimerCheck = { ok: true } | { ok: false; message: string };

const NUM = String.raw`\d+(?:[.,]\d+)?`;
// At least one component, and a `T` only when a time component follows it.
const DURATION = new RegExp(
  `^P(?=\\d|T\\d)(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}W)?(?:${NUM}D)?(?:T(?=\\d)(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`,
);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function isIsoDuration(value: string): boolean {
  return DURATION.test(value);
}

export function isIsoDateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/** `R[n]/duration`, `R[n]/start/duration` or `R[n]/duration/end`; a bare duration repeats for ever. */
function isIsoCycle(value: string): boolean {
  if (isIsoDuration(value)) return true;
  const match = /^R\d*\/(.+)$/.exec(value);
  if (!match?.[1]) return false;
  const parts = match[1].split('/');
  if (parts.length === 1) return isIsoDuration(parts[0] ?? '');
  if (parts.length !== 2) return false;
  const [first = '', second = ''] = parts;
  return (isIsoDateTime(first) && isIsoDuration(second)) || (isIsoDuration(first) && isIsoDateTime(second));
}

export function checkIsoTimer(kind: TimerKind, raw: string): TimerCheck {
  const value = raw.trim();
  switch (kind) {
    case 'timeDuration':
      return isIsoDuration(value)
        ? { ok: true }
        : { ok: false, message: `"${raw}" is not an ISO 8601 duration (for example PT30M, PT2H or P3D)` };
    case 'timeDate':
      return isIsoDateTime(value)
        ? { ok: true }
        : {
            ok: false,
            message: `"${raw}" is not an ISO 8601 date-time (for example 2025-07-01T09:00:00+08:00)`,
          };
    case 'timeCycle':
      return isIsoCycle(value)
        ? { ok: true }
        : { ok: false, message: `"${raw}" is not an ISO 8601 repeating interval (for example R3/PT1H)` };
  }
}
