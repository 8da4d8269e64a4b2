import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  loginAttempts: Counter<'method' | 'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linli_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'linli_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    loginAttempts: new Counter({
      name: 'linli_login_attempts_total',
      help: 'Sign-in attempts by method and outcome',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
  };
}
