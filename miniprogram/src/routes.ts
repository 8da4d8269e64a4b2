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
export const disputeHandle = (id: string) => `/pages/dispute/handle?id=${id}`;
/** the mediation case of a task's case (调解办理 finds it by the instance) */
export const disputeHandleOf = (instanceId: string) => `/pages/dispute/handle?instance=${instanceId}`;
export const VOLUNTEER_HOME = '/pages/volunteer/index';
export const VOLUNTEER_POST_WISH = '/pages/volunteer/post';
export const volunteerDetail = (id: string) => `/pages/volunteer/detail?id=${id}`;
export const VOLUNTEER_REGISTER = '/pages/volunteer/register';
export const VOLUNTEER_POINTS = '/pages/volunteer/points';
export const VOLUNTEER_MALL = '/pages/volunteer/mall';
/** 志愿服务管理 (staff): the workbench, one item (`kind` wish/activity/registration), or the item of a task's case */
export const volunteerReview = (kind?: 'wish' | 'activity' | 'registration' | 'instance', id?: string) =>
  !kind || !id
    ? '/pages/volunteer/review'
    : kind === 'instance'
      ? `/pages/volunteer/review?instance=${id}`
      : `/pages/volunteer/review?kind=${kind}&id=${id}`;
export const APPROVAL_ITEMS = '/pages/approval/items';
export const APPROVAL_LIST = '/pages/approval/list';
export const approvalItem = (id: string) => `/pages/approval/item?id=${id}`;
export const approvalApply = (itemId: string) => `/pages/approval/apply?itemId=${itemId}`;
export const approvalDetail = (id: string) => `/pages/approval/detail?id=${id}`;
export const approvalHandle = (id: string) => `/pages/approval/handle?id=${id}`;
/** the staff page of the approval a task belongs to (the task page knows only its workflow instance) */
export const approvalHandleOf = (instanceId: string) => `/pages/approval/handle?instance=${instanceId}`;
export const BINDINGS_PAGE = '/pages/binding/index';
export const BINDING_REQUEST = '/pages/binding/bind';
export const NOTICES_PAGE = '/pages/notices/index';
export const noticeDetail = (id: string) => `/pages/notices/detail?id=${id}`;
export const GRID_PAGE = '/pages/grid/index';
export const gridResident = (id: string) => `/pages/grid/resident?id=${id}`;
export const gridVisit = (id: string, name = '') =>
  `/pages/grid/visit?id=${id}${name ? `&name=${encodeURIComponent(name)}` : ''}`;
export const DISPATCH_PAGE = '/pages/dispatch/index';
export const dispatchRepair = (id: string) => `/pages/dispatch/repair?id=${id}`;
export const TAB_PAGES = [HOME_PAGE, MESSAGES_PAGE, ME_PAGE];

/** open a link from a notification or a list: tabs need switchTab, the rest navigateTo */
export function isTab(url: string): boolean {
  return TAB_PAGES.includes(url.split('?')[0]!);
}
