import { decideOrgEvent, isOrgPeopleEvent, orgEventSchema } from './org-event';

describe('organisation events', () => {
  it('syncs on membership, team and member changes and ignores what does not change people', () => {
    for (const action of ['member_added', 'member_removed', 'renamed']) expect(decideOrgEvent('organization', action)).toEqual({ kind: 'sync' });
    for (const action of ['created', 'deleted', 'edited']) expect(decideOrgEvent('team', action)).toEqual({ kind: 'sync' });
    for (const action of ['added', 'removed']) expect(decideOrgEvent('membership', action)).toEqual({ kind: 'sync' });
    expect(decideOrgEvent('organization', 'deleted')).toEqual({ kind: 'remove-all' });
    for (const [event, action] of [
      ['organization', 'member_invited'],
      ['team', 'added_to_repository'],
      ['team', 'removed_from_repository'],
    ] as const) {
      expect(decideOrgEvent(event, action).kind).toBe('ignore');
    }
  });

  it('recognises the three event names only', () => {
    expect(['organization', 'team', 'membership', 'push', 'org_block'].filter(isOrgPeopleEvent)).toEqual(['organization', 'team', 'membership']);
  });

  it('needs the organisation of the event', () => {
    expect(orgEventSchema.safeParse({ action: 'created' }).success).toBe(false);
    expect(orgEventSchema.safeParse({ action: 'created', organization: { id: 1, login: '../etc' } }).success).toBe(false);
    expect(orgEventSchema.parse({ action: 'created', organization: { id: 1, login: 'acme', url: 'x' }, installation: { id: 7 } })).toEqual({
      action: 'created',
      organization: { id: 1, login: 'acme' },
      installation: { id: 7 },
    });
  });
});
