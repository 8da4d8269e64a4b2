// Where a volunteer notice opens in the mini-program: its page paths as miniprogram/src/routes.ts spells them
// (volunteerDetail, VOLUNTEER_POINTS, VOLUNTEER_MALL, VOLUNTEER_REGISTER; the server cannot import the
// mini-program).

/** one micro-wish or volunteer activity (the page reads its kind from the record: the id is enough) */
export const linkOfActivity = (id: string) => `/pages/volunteer/detail?id=${id}`;

/** 我的积分: the balance and the points history */
export const linkOfPoints = () => '/pages/volunteer/points';

/** 积分商城 on its 我的兑换 tab */
export const linkOfRedemptions = () => '/pages/volunteer/mall?tab=orders';

/** 注册志愿者: the registration's state, or the reason it was refused and the form to ask again */
export const linkOfRegistration = () => '/pages/volunteer/register';
