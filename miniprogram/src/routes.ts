// Page addresses, in one place (the server's notification links use the same ones).
export const HOME_PAGE = '/pages/index/index';
export const LOGIN_PAGE = '/pages/login/index';
export const MESSAGES_PAGE = '/pages/messages/index';
export const ME_PAGE = '/pages/me/index';
export const REPAIR_REPORT = '/pages/repair/report';
export const REPAIR_LIST = '/pages/repair/list';
export const repairDetail = (id: string) => `/pages/repair/detail?id=${id}`;
export const TASKS_PAGE = '/pages/tasks/index';
export const taskPage = (id: string) => `/pages/task/index?id=${id}`;
export const ALERTS_PAGE = '/pages/alerts/index';
export const alertDetail = (id: string) => `/pages/alerts/detail?id=${id}`;
export const EVENT_REPORT = '/pages/events/report';
export const EVENT_LIST = '/pages/events/list';
export const eventDetail = (id: string) => `/pages/events/detail?id=${id}`;
export const DISPUTE_APPLY = '/pages/dispute/apply';
export const DISPUTE_LIST = '/pages/dispute/list';
export const disputeDetail = (id: string) => `/pages/dispute/detail?id=${id}`;
export const TAB_PAGES = [HOME_PAGE, MESSAGES_PAGE, ME_PAGE];

/** open a link from a notification or a list: tabs need switchTab, the rest navigateTo */
export function isTab(url: string): boolean {
  return TAB_PAGES.includes(url.split('?')[0]!);
}
