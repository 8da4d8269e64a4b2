// Where a community-event notice opens in the mini-program: its page paths as miniprogram/src/routes.ts spells
// them (eventDetail, repairDetail, disputeDetail; the server cannot import the mini-program).
import { linkOfDispute } from '../dispute/links.js';

/** one reported event: its state, the result and the rating */
export const linkOfEvent = (id: string) => `/pages/events/detail?id=${id}`;

/** the case an event became: the reporter follows it there (the repair's reporter, the dispute's applicant) */
export const linkOfConvertedCase = (to: 'repair' | 'dispute', caseId: string) =>
  to === 'repair' ? `/pages/repair/detail?id=${caseId}` : linkOfDispute(caseId);
