import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  Entity,
  entityEnvelopeSchemaValidator,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseLocationRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { LRUCache } from 'lru-cache';
import { caseVariantSearchKeys } from './entity-search';
import { annotateWithLocation, LocationSpec } from './location-annotations';
import { emitRelations } from './relations';

export type ValidationResult = { ok: true; entity: Entity } | { ok: false; error: string };

// The same policy chain Backstage's CatalogBuilder installs by default, in its order.
const entityPolicy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

// What Backstage's BuiltinKindsEntityProcessor checks after the policies.
const kindValidators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  // Template is validated by the scaffolder's processor in Backstage, with its own schema.
  templateEntityV1beta3Validator,
];

// Stands in for the real location when checking the served form: only the server annotations'
// keys matter there, and those are the same for every location.
const PROBE_LOCATION: LocationSpec = { type: 'url', target: 'https://github.com/probe/probe/blob/main/catalog-info.yaml' };

/**
 * Validates one document as Backstage's catalog would: envelope and field formats, then the
 * kind's own schema. A kind no validator recognises is rejected, as Backstage does. So is an
 * entity Backstage processes but can never serve: one whose search keys would differ only in
 * casing (`spec.foo` and `spec.Foo`), on which Backstage's stitching (buildEntitySearch) fails.
 */
export function validateEntity(document: unknown): Promise<ValidationResult> {
  // A push rewrites one entity of its file and the others are validated again as they were:
  // the verdict of an identical document (same JSON) is remembered. Results are shared, so
  // callers must not change the entity they get.
  const key = JSON.stringify(document);
  if (key === undefined) return validateOnce(document);
  const known = verdicts.get(key);
  if (known) return known;
  const verdict = validateOnce(document);
  verdicts.set(key, verdict);
  return verdict;
}

// Keys are the documents' JSON; 32 MB of them (about 15,000 entities) is plenty for the files in flight.
const verdicts = new LRUCache<string, Promise<ValidationResult>>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (_verdict, key) => Math.max(1, key.length * 2) });

async function validateOnce(document: unknown): Promise<ValidationResult> {
  try {
    const entity = await entityPolicy.enforce(document as Entity);
    if (!entity) return { ok: false, error: 'entity was rejected by the entity policy' };
    for (const validator of kindValidators) {
      if (await validator.check(entity)) {
        // A reference Backstage could not turn into a relation fails the entity there too.
        emitRelations(entity);
        const caseVariants = caseVariantSearchKeys(annotateWithLocation(entity, PROBE_LOCATION, PROBE_LOCATION));
        if (caseVariants.length > 0) {
          return { ok: false, error: `Entity has duplicate keys that vary only in casing, '${caseVariants.join("', '")}'` };
        }
        return { ok: true, entity };
      }
    }
    return {
      ok: false,
      error: `unsupported kind: no validator recognised apiVersion "${entity.apiVersion}" kind "${entity.kind}"`,
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

// Backstage's catalog-backend checks the envelope with this validator before processing.
const validateEntityEnvelope = entityEnvelopeSchemaValidator();

export type EntityAtLocationVerdict = { ok: true } | { ok: false; error: { name: string; message: string } };

/**
 * What Backstage's `POST /validate-entity` decides: `document` must be an entity envelope read
 * from a `url:` location; it is then validated as processing would, with that location as its
 * location and origin annotations (unless it names its own).
 */
export async function validateEntityAt(document: unknown, locationRef: string): Promise<EntityAtLocationVerdict> {
  let entity: Entity;
  try {
    entity = validateEntityEnvelope(document) as Entity;
    const location = parseLocationRef(locationRef);
    if (location.type !== 'url') throw new TypeError(`Invalid location ref ${locationRef}, only 'url:<target>' is supported, e.g. url:https://host/path`);
  } catch (err) {
    return { ok: false, error: { name: (err as Error).name, message: (err as Error).message } };
  }
  const result = await validateEntity({
    ...entity,
    metadata: { ...entity.metadata, annotations: { [ANNOTATION_LOCATION]: locationRef, [ANNOTATION_ORIGIN_LOCATION]: locationRef, ...entity.metadata.annotations } },
  });
  return result.ok ? { ok: true } : { ok: false, error: { name: 'InputError', message: result.error } };
}
