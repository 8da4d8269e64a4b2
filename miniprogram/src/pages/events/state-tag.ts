// The colour of an event's state tag, shared by the list and the detail.
import type { CommunityEvent } from '@linli/contracts';
import { isEventDone } from '../../services';

/** done: grey; waiting for my rating or past its time limit: amber; under way: green */
export function stateTagClass(e: CommunityEvent): string {
  if (isEventDone(e)) return 'tag tag-done';
  return e.overdue || e.state === 'feedback' ? 'tag tag-warn' : 'tag';
}
