import { createHash } from 'node:crypto';
import {
  ANNOTATION_EDIT_URL,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
  Entity,
  stringifyLocationRef,
} from '@backstage/catalog-model';

export interface LocationSpec {
  type: 'url';
  target: string;
}

/**
 * Builds the location of a file in a GitHub repository exactly as Backstage's GitHub entity
 * provider names it: `${repository.url}/blob/${branch}/${catalogPath}`, concatenated as is
 * (no percent-encoding of the branch or the path), since a non-glob catalog path is read and
 * annotated with that very string.
 */
export function githubFileLocation(repositoryHtmlUrl: string, branch: string, path: string): LocationSpec {
  return { type: 'url', target: `${repositoryHtmlUrl.replace(/\/+$/, '')}/blob/${branch}/${path.replace(/^\/+/, '')}` };
}

/**
 * GitHub serves files under /blob/, folders under /tree/ and the editor under /edit/
 * (@backstage/integration's `replaceGithubUrlType`, same pattern).
 */
function replaceGithubUrlType(url: string, type: 'blob' | 'tree' | 'edit'): string {
  return url.replace(/\/\/([^/]+)\/([^/]+)\/([^/]+)\/(blob|tree|edit)\//, (_, host, owner, repo) => `//${host}/${owner}/${repo}/${type}/`);
}

// AnnotateLocationEntityProcessor leaves out the edit URL of a location pinned to a commit.
const COMMIT_HASH = /\b[0-9a-f]{40,}\b/;

/** GithubIntegration.resolveUrl({ url: './', base }): the folder, as a tree URL, keeping the base's query. */
function githubSourceFolderUrl(base: string): string {
  const folder = new URL('./', base);
  folder.search = new URL(base).search;
  return replaceGithubUrlType(folder.toString(), 'tree');
}

/**
 * Adds the annotations Backstage's catalog sets from where an entity was read. The
 * `managed-by-location` and `managed-by-origin-location` annotations are set by the catalog
 * when the entity is emitted from its file (ProcessorOutputCollector) and always win over the
 * entity's own values; view-url, edit-url and source-location come from
 * AnnotateLocationEntityProcessor, which merges the entity over them, so the entity's own
 * values of those win.
 */
export function annotateWithLocation(entity: Entity, location: LocationSpec, originLocation: LocationSpec): Entity {
  const locationRef = stringifyLocationRef(location);
  const originRef = stringifyLocationRef(originLocation);
  const derived: Record<string, string | undefined> = {
    [ANNOTATION_VIEW_URL]: location.target,
    [ANNOTATION_EDIT_URL]: COMMIT_HASH.test(location.target) ? undefined : replaceGithubUrlType(location.target, 'edit'),
    [ANNOTATION_SOURCE_LOCATION]: stringifyLocationRef({ type: 'url', target: githubSourceFolderUrl(location.target) }),
  };
  const defaults = Object.fromEntries(Object.entries(derived).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...defaults,
        ...(entity.metadata.annotations ?? {}),
        [ANNOTATION_ORIGIN_LOCATION]: originRef,
        [ANNOTATION_LOCATION]: locationRef,
      },
    },
  };
}

/**
 * The Location entity Backstage's GitHub discovery generates for every catalog file it finds
 * (`locationSpecToLocationEntity`): named `generated-<sha1 of type:target>`, its target the
 * file. Every entity of the file has it as parent in its ancestry.
 */
export function generatedLocationEntity(location: LocationSpec): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: { name: generatedLocationName(location), namespace: 'default' },
    spec: { type: location.type, target: location.target },
  };
}

export function generatedLocationName(location: LocationSpec): string {
  return `generated-${createHash('sha1').update(`${location.type}:${location.target}`).digest('hex')}`;
}
