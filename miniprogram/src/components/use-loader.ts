// Load a page's data on show and on pull-down, keeping the error to show.
import { useCallback, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { messageOf, type Page } from '../services';
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

/**
 * useLoader for a paged list: the first page on show and on pull-down, the next ones as the list scrolls to its
 * end. Gives the first page's state (for Guard), every item loaded so far, and reload.
 */
export function usePagedLoader<T>(
  fetchPage: (page: number) => Promise<Page<T>>,
): [Loaded<Page<T>>, T[], () => Promise<void>] {
  const [more, setMore] = useState<T[]>([]);
  const [page, setPage] = useState(1);
  const load = useCallback(async (): Promise<Page<T>> => {
    setMore([]);
    setPage(1);
    return fetchPage(1);
  }, [fetchPage]);
  const [state, reload] = useLoader(load);
  useReachBottom(() => {
    if (!state.data || state.data.items.length + more.length >= state.data.total) return;
    fetchPage(page + 1)
      .then((p) => {
        setMore((m) => [...m, ...p.items]);
        setPage(page + 1);
      })
      .catch(toastError);
  });
  return [state, state.data ? [...state.data.items, ...more] : [], reload];
}

/** toast a failure in Chinese */
export function toastError(err: unknown): void {
  void Taro.showToast({ title: messageOf(err), icon: 'none', duration: 3000 });
}
