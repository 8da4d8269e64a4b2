// The colour of a dispute's state tag, shared by the list and the detail.
import type { Dispute } from '@linli/contracts';
import { isDisputeDone } from '../../services';

/** finished: grey; waiting for the resident (signing) or overdue: amber; under way: green */
export function stateTagClass(d: Dispute): string {
  if (isDisputeDone(d)) return 'tag tag-done';
  return d.status === 'signing' ? 'tag tag-warn' : 'tag';
}
