import { AssignerProtocol, PartitionAssigner } from 'kafkajs';

/**
 * Gives one member the same partition number of every subscribed topic (partition 3 of the
 * entity-event topic and partition 3 of the relations topic go together), as Kafka Streams does
 * for co-partitioned topics. Keys are partitioned the same way on each (same count, murmur2), so
 * the member owning a partition number is the only one that sees anything about its keys: the
 * single writer of their documents. Partition numbers are dealt round-robin over the members
 * sorted by id.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'CallboardCoPartitioned',
  version: 1,

  async assign({ members, topics }) {
    const memberIds = members.map(({ memberId }) => memberId).sort();
    const partitionsOf = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)]));
    const assignment = new Map<string, Record<string, number[]>>(memberIds.map((id) => [id, {}]));
    for (const [topic, partitions] of partitionsOf) {
      for (const partition of [...partitions].sort((a, b) => a - b)) {
        const owner = assignment.get(memberIds[partition % memberIds.length])!;
        (owner[topic] ??= []).push(partition);
      }
    }
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: assignment.get(memberId)!, userData: Buffer.alloc(0) }),
    }));
  },

  protocol({ topics }) {
    return { name: 'CallboardCoPartitioned', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
