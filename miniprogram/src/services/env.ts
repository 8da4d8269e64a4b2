// The one place the app reads build-time settings (inlined by Taro from config/env.ts).
/** base URL of the Linli API; same origin in the browser build, an https:// domain for WeChat */
export const API_BASE: string = process.env.TARO_APP_API || '/api/v1';
/** which build this is: 'weapp' (WeChat) or 'h5' (browser) */
export const TARGET: string = process.env.TARO_ENV || 'weapp';
export const IS_H5 = TARGET === 'h5';
