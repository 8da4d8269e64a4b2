// Load a page's data on show and on pull-down, keeping the error to show.
import { useCallback, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { messageOf } from '../services';
import type { Loaded } from './ui';

export function useLoader<T>(load: () => Promise<T>): [Loaded<T>, () => Promise<void>] {
  const [state, setState] = useState<Loaded<T>>({});
  const reload = useCallback(async () => {
    try {
      const data = await load();
      setState({ data });
    } catch (err) {
      setState((s) => ({ data: s.data, error: messageOf(err) }));
    }
  }, [load]);
  useDidShow(() => {
    void reload();
  });
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });
  return [state, reload];
}

/** toast a failure in Chinese */
export function toastError(err: unknown): void {
  void Taro.showToast({ title: messageOf(err), icon: 'none', duration: 3000 });
}
