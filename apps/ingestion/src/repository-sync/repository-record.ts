/** A GitHub repository as ingestion knows it: where its files are read and what their locations are. */
export interface RepositoryIdentity {
  id: number;
  /** `owner/name` as GitHub spells it now. */
  fullName: string;
  /** Web URL (`https://github.com/owner/name`): the base of every location of its files. */
  htmlUrl: string;
  owner: string;
  defaultBranch: string;
  /** The GitHub App installation it is read through (none with a token). */
  installationId?: number;
  archived: boolean;
}

/** What one file of the repository declared, as last published. */
export interface RecordedFile {
  path: string;
  /** The catalog file (a CATALOG_FILE_PATHS match) this file was reached from; itself for a catalog file, else a Location led here. */
  originPath: string;
  /** The location target its entities were published with (`…/blob/<branch>/<path>`): their owner in the catalog. */
  target: string;
  /** Lowercased entity refs it declared. */
  refs: string[];
  /** For each ref (same order), the hash of what was published for it; absent in records from before hashes. */
  hashes?: string[];
  /** Refs whose processing errors the last read published (callboard.entity-status.v1): a later read clears those it no longer finds. */
  problemRefs?: string[];
  commitSha: string;
  /** The sourceVersion its events carried; an older sync of the file changes nothing. */
  sourceVersion: number;
}

/** The newest state of the default branch a sync read: what a push is ordered against. */
export interface RecordedHead {
  sha: string;
  /** The commit the branch was at before, when a push said so (its `before`). */
  before?: string;
  /** The version its files were published with. */
  sourceVersion: number;
}

/** Ingestion's record of a repository: identity plus what each of its files declared. */
export interface RepositoryRecord extends RepositoryIdentity {
  files: RecordedFile[];
  /** Absent in records from before heads were recorded, and until a sync read a commit. */
  head?: RecordedHead;
  /**
   * The newest sourceVersion ever published for the repository's files, removed files and
   * removed repositories included: a read of the branch as it is now must outrank it.
   */
  versionFloor: number;
  /** Optimistic concurrency: bumped by every write, which is conditional on the value read. */
  revision: number;
}
