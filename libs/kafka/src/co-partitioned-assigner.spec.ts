import { AssignerProtocol, Cluster } from 'kafkajs';
import { CoPartitionedAssigner } from './co-partitioned-assigner';

function assignerFor(partitions: Record<string, number>) {
  const cluster = { findTopicPartitionMetadata: (topic: string) => Array.from({ length: partitions[topic] }, (_, partitionId) => ({ partitionId })) } as unknown as Cluster;
  return CoPartitionedAssigner({ cluster, groupId: 'g', logger: undefined as never });
}

async function assign(memberIds: string[], partitions: Record<string, number>) {
  const assigned = await assignerFor(partitions).assign({ members: memberIds.map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) })), topics: Object.keys(partitions) });
  return Object.fromEntries(assigned.map(({ memberId, memberAssignment }) => [memberId, AssignerProtocol.MemberAssignment.decode(memberAssignment)!.assignment]));
}

describe('CoPartitionedAssigner', () => {
  it('gives each member the same partition numbers of every topic', async () => {
    const result = await assign(['m-b', 'm-a', 'm-c'], { events: 6, relations: 6 });
    expect(result).toEqual({
      'm-a': { events: [0, 3], relations: [0, 3] },
      'm-b': { events: [1, 4], relations: [1, 4] },
      'm-c': { events: [2, 5], relations: [2, 5] },
    });
  });

  it('gives one member everything, and leaves a member without partitions when there are more members than partitions', async () => {
    expect(await assign(['solo'], { events: 3, relations: 3 })).toEqual({ solo: { events: [0, 1, 2], relations: [0, 1, 2] } });
    const crowded = await assign(['a', 'b', 'c'], { events: 2, relations: 2 });
    expect(crowded.c).toEqual({});
  });
});
