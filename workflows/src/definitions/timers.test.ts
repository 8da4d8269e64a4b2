import { checkIsoTimer } from './timers.js';

describe('checkIsoTimer', () => {
  it.each(['PT2S', 'PT30M', 'PT1H30M', 'P3D', 'P30D', 'P1W', 'P1Y2M3DT4H5M6S', 'PT1.5S', 'P0D'])(
    'accepts the duration %s',
    (value) => expect(checkIsoTimer('timeDuration', value)).toEqual({ ok: true }),
  );

  it.each(['PT10X', 'P', 'PT', 'P1DT', '30m', '-PT1H', ''])('refuses the duration "%s"', (value) => {
    expect(checkIsoTimer('timeDuration', value)).toEqual({
      ok: false,
      message: expect.stringContaining('ISO 8601 duration'),
    });
  });

  it.each(['2025-07-01', '2025-07-01T09:00:00Z', '2025-07-01T09:00:00+08:00', '2025-07-01T09:00'])(
    'accepts the date %s',
    (value) => expect(checkIsoTimer('timeDate', value).ok).toBe(true),
  );

  it.each(['2025-13-01', 'tomorrow', 'PT1H'])('refuses the date "%s"', (value) => {
    expect(checkIsoTimer('timeDate', value).ok).toBe(false);
  });

  it.each(['R3/PT1H', 'R/P1D', 'R5/2025-07-01T09:00:00Z/PT1H', 'R2/PT1H/2025-07-01T09:00:00Z', 'PT1H'])(
    'accepts the cycle %s',
    (value) => expect(checkIsoTimer('timeCycle', value).ok).toBe(true),
  );

  it.each(['R3/PT1X', '0 0 * * *', 'R3', 'R3/PT1H/PT1H'])('refuses the cycle "%s"', (value) => {
    expect(checkIsoTimer('timeCycle', value).ok).toBe(false);
  });
});
