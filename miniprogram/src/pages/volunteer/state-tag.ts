// The colour of a wish's or activity's state tag, shared by the list and the detail.
import type { VolunteerActivity } from '@linli/contracts';

/** finished or refused: grey; waiting for review: amber; open or under way: green */
export function volunteerTagClass(a: Pick<VolunteerActivity, 'status'>): string {
  if (a.status === 'completed' || a.status === 'cancelled' || a.status === 'rejected') return 'tag tag-done';
  return a.status === 'pending_review' ? 'tag tag-warn' : 'tag';
}
