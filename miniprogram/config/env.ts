// The build's knobs, read in one place: the target Taro builds for, the API base URL inlined into it, and
// whether to minify (tests of the browser build may skip it to save minutes; release builds always minify).
import path from 'node:path';

export const buildEnv = {
  target: process.env.TARO_ENV ?? 'weapp',
  mode: process.env.NODE_ENV ?? 'production',
  /** base URL of the Linli API, inlined as process.env.TARO_APP_API (default: same origin) */
  api: process.env.TARO_APP_API ?? '/api/v1',
  /** MINIFY=false skips terser and csso */
  minify: process.env.MINIFY !== 'false',
  /** where the build goes (default dist/<target>); MINIPROGRAM_DIST lets two builds run side by side */
  outputRoot: process.env.MINIPROGRAM_DIST || `dist/${process.env.TARO_ENV ?? 'weapp'}`,
  /** this workspace's own node_modules: npm keeps some Taro packages here (not hoisted) because of peer ranges */
  ownModules: path.resolve(process.cwd(), 'node_modules'),
};
