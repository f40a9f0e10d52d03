import { createHash } from 'node:crypto';
import { ANNOTATION_ORIGIN_LOCATION, Entity, parseLocationRef } from '@backstage/catalog-model';

/** A catalog file Callboard reads, shaped as a Backstage location. */
export interface CatalogLocation {
  id: string;
  type: string;
  target: string;
  entityRef: string;
}

function sha1(text: string): Buffer {
  return createHash('sha1').update(text).digest();
}

/** The location id: stable for a file across restarts and replicas (a name-based UUID, RFC 9562 v5 layout). */
export function locationId(type: string, target: string): string {
  const bytes = sha1(`callboard-location:${type}:${target}`).subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The origin location of an entity, as `type:target`, when it has a valid one. */
export function originLocationOf(entity: Entity): { type: string; target: string } | undefined {
  const ref = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
  if (!ref) return undefined;
  try {
    return parseLocationRef(ref);
  } catch {
    return undefined;
  }
}

/**
 * The catalog files entities come from, kept as long as one entity names them as origin.
 * Backstage names the Location entity for a location `generated-<sha1 of type:target>`.
 */
export class LocationRegistry {
  private readonly byKey = new Map<string, { location: CatalogLocation; entities: number }>();
  private readonly byId = new Map<string, string>();

  add(type: string, target: string): void {
    const key = `${type}:${target}`;
    const existing = this.byKey.get(key);
    if (existing) {
      existing.entities++;
      return;
    }
    const location = { id: locationId(type, target), type, target, entityRef: `location:default/generated-${sha1(key).toString('hex')}` };
    this.byKey.set(key, { location, entities: 1 });
    this.byId.set(location.id, key);
  }

  release(type: string, target: string): void {
    const key = `${type}:${target}`;
    const existing = this.byKey.get(key);
    if (!existing) return;
    if (--existing.entities > 0) return;
    this.byKey.delete(key);
    this.byId.delete(existing.location.id);
  }

  list(): CatalogLocation[] {
    return [...this.byKey.values()].map((entry) => entry.location);
  }

  getById(id: string): CatalogLocation | undefined {
    const key = this.byId.get(id);
    return key === undefined ? undefined : this.byKey.get(key)?.location;
  }

  find(type: string, target: string): CatalogLocation | undefined {
    return this.byKey.get(`${type}:${target}`)?.location;
  }
}
