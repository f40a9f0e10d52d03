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

/** Builds the location of a file in a GitHub repository, as Backstage's GitHub discovery names it. */
export function githubFileLocation(repositoryHtmlUrl: string, branch: string, path: string): LocationSpec {
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return { type: 'url', target: `${repositoryHtmlUrl.replace(/\/+$/, '')}/blob/${encodeURIComponent(branch)}/${encodedPath}` };
}

// GitHub serves files under /blob/, folders under /tree/ and the editor under /edit/.
function replaceGithubUrlType(url: string, type: 'blob' | 'tree' | 'edit'): string {
  return url.replace(/^(https?:\/\/[^/]+\/[^/]+\/[^/]+\/)(blob|tree|edit)\//, `$1${type}/`);
}

/**
 * Adds the annotations Backstage's catalog sets from where an entity was read. As in
 * Backstage's AnnotateLocationEntityProcessor, values the entity sets itself win.
 */
export function annotateWithLocation(entity: Entity, location: LocationSpec, originLocation: LocationSpec): Entity {
  const serverAnnotations: Record<string, string> = {
    [ANNOTATION_LOCATION]: stringifyLocationRef(location),
    [ANNOTATION_ORIGIN_LOCATION]: stringifyLocationRef(originLocation),
    [ANNOTATION_VIEW_URL]: location.target,
    [ANNOTATION_EDIT_URL]: replaceGithubUrlType(location.target, 'edit'),
    [ANNOTATION_SOURCE_LOCATION]: stringifyLocationRef({
      type: 'url',
      target: replaceGithubUrlType(new URL('./', location.target).toString(), 'tree'),
    }),
  };
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { ...serverAnnotations, ...(entity.metadata.annotations ?? {}) },
    },
  };
}
