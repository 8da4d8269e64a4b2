/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'harmony' | 'rn';
    /** base URL of the Linli API (default /api/v1, same origin) */
    TARO_APP_API?: string;
  }
}
