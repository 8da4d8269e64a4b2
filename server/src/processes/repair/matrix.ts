// The repair routes' rows of the authorisation matrix (policy/matrix.test.ts merges them), and the fixtures
// their `:id`s name, made in each test world.
import type { Expectation, MatrixFixtures } from '../../testing/matrix.js';

export const expectations: Record<string, Expectation> = {};

export const fixtures: MatrixFixtures = async () => {};
