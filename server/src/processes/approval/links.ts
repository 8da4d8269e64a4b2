// Where an approval notice opens in the mini-program: its page paths as miniprogram/src/routes.ts spells them
// (approvalDetail, approvalHandle; the server cannot import the mini-program).

/** the applicant's page of one application: its state, the supplement form, the result and the rating */
export const linkOfApproval = (id: string) => `/pages/approval/detail?id=${id}`;

/** the staff page of one application: the step open on it and its form */
export const linkOfApprovalHandling = (id: string) => `/pages/approval/handle?id=${id}`;
