import { z } from 'zod';

/** The fields of GitHub's `organization`, `team` and `membership` payloads an org sync relies on. */
export const orgEventSchema = z.object({
  action: z.string().min(1),
  organization: z.object({
    id: z.number().int().positive(),
    login: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'not a GitHub organisation login'),
  }),
  /** Present when the delivery comes from a GitHub App: the installation to read the organisation through. */
  installation: z.object({ id: z.number().int().positive() }).nullable().optional(),
});

export type OrgEvent = z.infer<typeof orgEventSchema>;

export const ORG_PEOPLE_EVENTS = ['organization', 'team', 'membership'] as const;
export type OrgPeopleEventName = (typeof ORG_PEOPLE_EVENTS)[number];

export type OrgEventDecision =
  /** Read the organisation's people again and publish what changed. */
  | { kind: 'sync' }
  /** The organisation is gone: everything published from it leaves the catalog. */
  | { kind: 'remove-all' }
  | { kind: 'ignore'; reason: string };

// Actions that change who is a member, which teams exist, their names, descriptions or
// parents, or who is in them. A rename changes the organisation's URL, so its location.
const SYNC_ACTIONS: Record<OrgPeopleEventName, readonly string[]> = {
  organization: ['member_added', 'member_removed', 'renamed'],
  team: ['created', 'deleted', 'edited'],
  membership: ['added', 'removed'],
};

/**
 * What an organisation event asks of the catalog. An invitation changes nothing until it is
 * accepted (`member_added` follows); a team's repository access is not part of the org model.
 */
export function decideOrgEvent(event: OrgPeopleEventName, action: string): OrgEventDecision {
  if (event === 'organization' && action === 'deleted') return { kind: 'remove-all' };
  if (SYNC_ACTIONS[event].includes(action)) return { kind: 'sync' };
  return { kind: 'ignore', reason: `${event}.${action} does not change Users or Groups` };
}

export function isOrgPeopleEvent(event: string): event is OrgPeopleEventName {
  return (ORG_PEOPLE_EVENTS as readonly string[]).includes(event);
}
