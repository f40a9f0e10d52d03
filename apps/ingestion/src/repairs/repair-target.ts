/**
 * What to read again from GitHub when a delivery about it could not be processed: the
 * delivery's own change may be lost, but the state it changed is still in GitHub, and
 * reading that state converges the catalog whatever the delivery said.
 */
export type RepairTarget =
  | { kind: 'repository'; repositoryId: number; installationId?: number }
  | { kind: 'organisation'; org: string; installationId?: number }
  | { kind: 'installation'; installationId: number };

const ORG_PEOPLE_EVENTS = new Set(['organization', 'team', 'membership']);

const objectField = (value: unknown, field: string): Record<string, unknown> | undefined => {
  const inner = value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  return inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : undefined;
};
const positiveInteger = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

/** The state a delivery of `event` changed, or null when it changed nothing ingestion reads. */
export function repairTargetOf(event: string, payload: Record<string, unknown>): RepairTarget | null {
  const installationId = positiveInteger(objectField(payload, 'installation')?.id);
  const through = installationId !== undefined ? { installationId } : {};
  if (event === 'installation' || event === 'installation_repositories' || event === 'installation_target') return installationId !== undefined ? { kind: 'installation', installationId } : null;
  if (ORG_PEOPLE_EVENTS.has(event)) {
    const login = objectField(payload, 'organization')?.login;
    return typeof login === 'string' && login.length > 0 ? { kind: 'organisation', org: login, ...through } : null;
  }
  if (event === 'push' || event === 'repository') {
    const repositoryId = positiveInteger(objectField(payload, 'repository')?.id);
    return repositoryId !== undefined ? { kind: 'repository', repositoryId, ...through } : null;
  }
  return null;
}

/** One pending repair per target: a second failure about the same state adds nothing to read. */
export function repairKeyOf(target: RepairTarget): string {
  switch (target.kind) {
    case 'repository':
      return `repository:${target.repositoryId}`;
    case 'organisation':
      return `organisation:${target.org.toLowerCase()}`;
    case 'installation':
      return `installation:${target.installationId}`;
  }
}
