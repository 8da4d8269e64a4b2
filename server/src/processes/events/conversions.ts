// The two other processes an event may really be: a repair request (物业报修) or a dispute (矛盾调解).
// Their modules own the conversion (each idempotent by event id); this file only names where it lives.
export { fileRepairFromEvent } from '../repair/convert.js';
export { registerDisputeFromEvent } from '../dispute/convert.js';
