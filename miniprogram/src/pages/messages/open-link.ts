// Open what a notification points at; the server's links are this app's page paths.
import Taro from '@tarojs/taro';
import type { NotificationItem } from '@linli/contracts';
import { notifications } from '../../services';
import { isTab } from '../../routes';

const KNOWN = [
  '/pages/repair/',
  '/pages/alerts/',
  '/pages/tasks/',
  '/pages/task/',
  '/pages/index/',
  '/pages/messages/',
  '/pages/me/',
  '/pages/approval/',
  '/pages/volunteer/',
  '/pages/dispute/',
  '/pages/events/',
  '/pages/notices/',
  '/pages/binding/',
];

export function openLink(n: NotificationItem): void {
  if (!n.readAt) void notifications.markRead([n.id]).catch(() => undefined);
  const link = n.link;
  if (!link || !KNOWN.some((p) => link.startsWith(p))) {
    void Taro.showModal({ title: n.title, content: n.body, showCancel: false, confirmText: '知道了' });
    return;
  }
  void (isTab(link) ? Taro.switchTab({ url: link }) : Taro.navigateTo({ url: link }));
}
