// Notices (社区公告) and party-building news (党建) as the mini-program reads them: the published ones of my
// communities, pinned and newest first, paged; one notice (opening it marks it read); its cover image.
import Taro from '@tarojs/taro';
import type { Notice, NoticeKind } from '@linli/contracts';
import { IS_H5 } from './env';
import { api, urlOf } from './http';
import { loadSession } from './session';
import type { Page } from './types';

export const NOTICE_KIND_NAMES: Record<NoticeKind, string> = {
  notice: '社区公告',
  party_news: '党建',
};

/** the body's paragraphs (blank lines separate them); shown as text, never as markup */
export const paragraphsOf = (body: string): string[] =>
  body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

export const noticesApi = {
  list(kind?: NoticeKind, page = 1, pageSize = 20): Promise<Page<Notice>> {
    return api.get<Page<Notice>>('/notices', {
      status: 'published',
      page,
      pageSize,
      ...(kind ? { kind } : {}),
    });
  },
  get(id: string): Promise<Notice> {
    return api.get<Notice>(`/notices/${id}`);
  },
  /** a URL the Image component can show for the notice's cover (fetched with the session's token) */
  async coverUrl(id: string): Promise<string> {
    const token = loadSession()?.accessToken ?? '';
    const url = urlOf(`/notices/${id}/cover`);
    if (IS_H5) {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return URL.createObjectURL(await res.blob());
    }
    const res = await Taro.downloadFile({ url, header: { Authorization: `Bearer ${token}` } });
    return res.tempFilePath;
  },
};
