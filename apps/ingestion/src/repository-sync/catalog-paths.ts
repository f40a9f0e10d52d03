import picomatch from 'picomatch';

/** Whether a repository path is a catalog file, per CATALOG_FILE_PATHS. */
export type CatalogPathMatcher = (path: string) => boolean;

// Dot folders (`.backstage/catalog-info.yaml`) are ordinary places for catalog files.
const OPTIONS: picomatch.PicomatchOptions = { dot: true };

/**
 * Matches repository paths (no leading slash) against the configured catalog paths: plain
 * paths (`catalog-info.yaml`, the root file only) or globs (`**\/catalog-info.yaml`, which
 * includes the root file).
 */
export function catalogPathMatcher(patterns: readonly string[]): CatalogPathMatcher {
  const matches = picomatch([...patterns], OPTIONS);
  return (path) => matches(path.replace(/^\/+/, ''));
}

/** Why a pattern cannot be used, or null: for validating CATALOG_FILE_PATHS at boot. */
export function catalogPathPatternProblem(pattern: string): string | null {
  if (pattern.includes('\\')) return 'use forward slashes';
  if (pattern.split('/').includes('..')) return 'must stay inside the repository';
  try {
    picomatch.makeRe(pattern, OPTIONS);
  } catch (err) {
    return `not a valid glob: ${(err as Error).message}`;
  }
  return null;
}
