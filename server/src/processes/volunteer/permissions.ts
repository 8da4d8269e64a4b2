// Who may do what with the volunteer process's own resources; merged into the one table (policy/permissions.ts).
//   volunteer_activities  micro-wishes, volunteer activities and volunteer registrations
//   points                the points ledger: records, balances, ranking; `update` = manual adjustments
//   mall_items            the points mall's goods and services
//   redemptions           points spent in the mall
// `self` for residents (and volunteers, who are residents too) means: what they posted, claimed or redeemed,
// and the published wishes, activities, mall and ranking of the community they live in (processes/volunteer/
// domain.ts memberCommunities). `review` is approving wishes, activities and registrations, and confirming a
// service on the owner's behalf.
import type { Role, Table } from '../../policy/permissions.js';

const MEMBER: Table = {
  volunteer_activities: { read: 'self', create: 'self', update: 'self' },
  points: { read: 'self' },
  mall_items: { read: 'self' },
  redemptions: { read: 'self', create: 'self', update: 'self' },
};

const COMMUNITY_STAFF: Table = {
  volunteer_activities: { read: 'subtree', create: 'subtree', update: 'subtree', review: 'subtree' },
  points: { read: 'subtree' },
  mall_items: { read: 'subtree' },
  redemptions: { read: 'subtree', update: 'subtree' },
};

const OVERSIGHT: Table = {
  volunteer_activities: { read: 'subtree' },
  points: { read: 'subtree' },
  mall_items: { read: 'subtree' },
  redemptions: { read: 'subtree' },
};

export const permissions: Partial<Record<Role, Table>> = {
  resident: MEMBER,
  volunteer: MEMBER,
  grid_worker: COMMUNITY_STAFF,
  community_admin: {
    ...COMMUNITY_STAFF,
    points: { read: 'subtree', update: 'subtree' },
    mall_items: { read: 'subtree', create: 'subtree', update: 'subtree' },
  },
  street_admin: OVERSIGHT,
  district_admin: OVERSIGHT,
};
