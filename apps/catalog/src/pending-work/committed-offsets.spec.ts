import { CommittedOffsets } from './committed-offsets';

const at = (offset: string, topic = 'events', partition = 0, group = 'g') => ({ group, topic, partition, offset });

describe('CommittedOffsets', () => {
  it('knows a write published once its batch offset is below what the group committed', async () => {
    const offsets = new CommittedOffsets('g');
    offsets.reset(async () => [{ topic: 'events', partition: 0, offset: '10' }, { topic: 'events', partition: 1, offset: '-1' }]);
    await offsets.whenKnown();
    expect(offsets.isPublished(at('9'))).toBe(true);
    expect(offsets.isPublished(at('10'))).toBe(false);
    // Nothing committed yet on partition 1, and another topic's offsets say nothing about it.
    expect(offsets.isPublished(at('0', 'events', 1))).toBe(false);
    expect(offsets.isPublished(at('3', 'relations'))).toBe(false);
    offsets.committed('events', 0, '15');
    expect(offsets.isPublished(at('14'))).toBe(true);
  });

  it("takes another group's writes (a rebuild's) as published, and forgets everything on a new assignment", async () => {
    const offsets = new CommittedOffsets('g');
    expect(offsets.isPublished(at('100', 'events', 0, 'g-rebuild-1'))).toBe(true);
    offsets.committed('events', 0, '50');
    offsets.reset(async () => []);
    await offsets.whenKnown();
    expect(offsets.isPublished(at('10'))).toBe(false);
  });

  it('knows what it published itself before the commit, up to the batch published, and forgets it on a new assignment', async () => {
    const offsets = new CommittedOffsets('g');
    offsets.reset(async () => [{ topic: 'events', partition: 0, offset: '10' }]);
    await offsets.whenKnown();
    offsets.published(at('20'));
    expect(offsets.isPublished(at('15'))).toBe(true);
    expect(offsets.isPublished(at('20'))).toBe(true);
    expect(offsets.isPublished(at('21'))).toBe(false);
    offsets.reset(async () => [{ topic: 'events', partition: 0, offset: '10' }]);
    await offsets.whenKnown();
    expect(offsets.isPublished(at('15'))).toBe(false);
  });

  it('reads the offsets again when the first read failed', async () => {
    const offsets = new CommittedOffsets('g');
    let calls = 0;
    offsets.reset(async () => {
      calls += 1;
      if (calls === 1) throw new Error('coordinator not available');
      return [{ topic: 'events', partition: 0, offset: '5' }];
    });
    await offsets.whenKnown();
    expect(calls).toBe(2);
    expect(offsets.isPublished(at('4'))).toBe(true);
  });
});
