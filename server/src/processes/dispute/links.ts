// Where a dispute notice opens in the mini-program: its page path as miniprogram/src/routes.ts spells it
// (disputeDetail; the server cannot import the mini-program).

/** 调解详情: one dispute as the reader's part in it shows it */
export const linkOfDispute = (id: string) => `/pages/dispute/detail?id=${id}`;
