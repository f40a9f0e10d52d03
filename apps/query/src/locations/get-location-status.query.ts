import { Injectable, NotFoundException } from '@nestjs/common';
import { parseEntityRef } from '@backstage/catalog-model';
import type { LocationDocumentStatusV1 } from '@callboard/contracts';
import { lowerCase } from '@callboard/entity-model';
import { EntityConflictsReadRepository, EntityConflictView } from '../conflicts/entity-conflicts.controller';
import { HeldLocationStatus, LocationStatusReadModel } from './location-status.read-model';

/** A file's status as served: what ingestion read, with the catalog's conflicts over its entities. */
export interface LocationStatusView {
  id: string;
  type: string;
  target: string;
  originTarget: string;
  repository: string;
  path: string;
  commitSha: string;
  readAt: string;
  deliveryId: string;
  /** `error` when any document has an error. */
  level: 'ok' | 'error';
  documents: Array<LocationDocumentStatusV1 & { served: boolean }>;
  conflicts: Array<Omit<EntityConflictView, 'contenderLocation'>>;
}

export interface LocationStatusFilter {
  repository?: string;
  owner?: string;
}

/** Reads a file's status, or every file's matching a filter, joined with the conflicts whose contender the file is. */
@Injectable()
export class GetLocationStatus {
  constructor(
    private readonly statuses: LocationStatusReadModel,
    private readonly conflicts: EntityConflictsReadRepository,
  ) {}

  async byId(id: string): Promise<LocationStatusView> {
    const held = this.statuses.get(id);
    if (!held) throw new NotFoundException(`Found no location status with ID ${id}`);
    const key = `${held.status.location.type}:${held.status.location.target}`;
    return view(held, await this.conflicts.byContenders([key]));
  }

  async list(filter: LocationStatusFilter): Promise<LocationStatusView[]> {
    const matching = this.statuses
      .all()
      .filter((held) => matches(held, filter))
      .sort((a, b) => (a.status.location.target < b.status.location.target ? -1 : a.status.location.target > b.status.location.target ? 1 : 0));
    if (matching.length === 0) return [];
    const conflicts = await this.conflicts.byContenders(matching.map((h) => `${h.status.location.type}:${h.status.location.target}`));
    return matching.map((held) => view(held, conflicts));
  }
}

function view(held: HeldLocationStatus, conflicts: readonly EntityConflictView[]): LocationStatusView {
  const { status } = held;
  const key = `${status.location.type}:${status.location.target}`;
  const mine = conflicts.filter((c) => c.contenderLocation === key);
  const conflictOf = new Map(mine.map((c) => [c.entityRef, c]));
  const documents = status.documents.map((document) => {
    const conflict = document.entityRef && document.outcome === 'accepted' ? conflictOf.get(document.entityRef) : undefined;
    if (!conflict) return { ...document, served: document.outcome === 'accepted' };
    // The author sees why their entity is not served: another file declared it first and keeps it.
    const error = { name: 'ConflictError', code: 'conflict', message: `${document.entityRef} is already declared by ${conflict.ownerLocation.replace(/^url:/, '')}, which keeps it: this declaration is not served (rename this entity, or remove one of the two declarations)` };
    return { ...document, errors: [...document.errors, error], served: false };
  });
  return {
    id: held.id,
    type: status.location.type,
    target: status.location.target,
    originTarget: status.originLocation.target,
    repository: status.repository.fullName,
    path: status.path,
    commitSha: status.commitSha,
    readAt: status.readAt,
    deliveryId: status.deliveryId,
    level: documents.some((d) => d.errors.length > 0) ? 'error' : 'ok',
    documents,
    conflicts: mine.map(({ contenderLocation: _contender, ...rest }) => rest),
  };
}

/** An owner as an entity ref (`team-a` is `group:default/team-a`, as Backstage reads `spec.owner`), or null. */
function ownerRef(owner: string): string | null {
  try {
    const ref = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
    return lowerCase(`${ref.kind}:${ref.namespace}/${ref.name}`);
  } catch {
    return null;
  }
}

/**
 * `repository`: `owner/name`; `owner`: the repository's GitHub owner, or an entity owner that a
 * document of the file names in `spec.owner`. Both compared case-insensitively.
 */
function matches(held: HeldLocationStatus, filter: LocationStatusFilter): boolean {
  const { status } = held;
  if (filter.repository !== undefined && status.repository.fullName.toLowerCase() !== filter.repository.toLowerCase()) return false;
  if (filter.owner !== undefined) {
    const wanted = filter.owner.toLowerCase();
    const wantedRef = ownerRef(filter.owner);
    const byRepository = status.repository.owner.toLowerCase() === wanted;
    const byEntity = wantedRef !== null && status.documents.some((d) => d.owner !== undefined && ownerRef(d.owner) === wantedRef);
    if (!byRepository && !byEntity) return false;
  }
  return true;
}
