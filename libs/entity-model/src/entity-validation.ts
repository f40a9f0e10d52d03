import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
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

/**
 * Validates one document as Backstage's catalog would: envelope and field formats, then the
 * kind's own schema. A kind no validator recognises is rejected, as Backstage does.
 */
export async function validateEntity(document: unknown): Promise<ValidationResult> {
  try {
    const entity = await entityPolicy.enforce(document as Entity);
    if (!entity) return { ok: false, error: 'entity was rejected by the entity policy' };
    for (const validator of kindValidators) {
      if (await validator.check(entity)) {
        // A reference Backstage could not turn into a relation fails the entity there too.
        emitRelations(entity);
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
