import { Injectable, Logger } from '@nestjs/common';
import { parseCatalogFile, ParsedCatalogFile, PlaceholderReader, resolveRelativePath } from '@callboard/entity-model';
import type { GithubRepositoryRef } from '../github/github-client.factory';
import { GithubContentsRepository } from '../github/github-contents.repository';

const EMPTY_FILE: ParsedCatalogFile = { entities: new Map(), errors: [], documents: [] };

/** A file as read at a commit; `missing`: GitHub has no such file there (it then declares nothing). */
export type ReadCatalogFile = ParsedCatalogFile & { missing: boolean };

/** Reads catalog files from GitHub and parses them, `$text`/`$json`/`$yaml` placeholders included. */
@Injectable()
export class CatalogFileReader {
  private readonly logger = new Logger(CatalogFileReader.name);

  constructor(private readonly contents: GithubContentsRepository) {}

  /**
   * The file at a commit, placeholders resolved from the same repository. A missing file
   * declares nothing; whether that is an error (a Location's target) is the caller's to say.
   */
  async read(repository: GithubRepositoryRef, htmlUrl: string, path: string, ref: string): Promise<ReadCatalogFile> {
    const content = await this.contents.readFile(repository, path, ref);
    if (content === null) return { ...EMPTY_FILE, missing: true };
    return { ...(await parseCatalogFile(content, { readPlaceholder: (target) => this.readPlaceholder(repository, path, ref, htmlUrl, target), path })), missing: false };
  }

  /**
   * The refs a file declared at an earlier commit, to find what it no longer declares (only
   * refs matter, so placeholders get a stand-in value). A commit GitHub refuses to resolve (a
   * force-push can orphan it) gives no refs rather than failing the delivery; server errors,
   * refused credentials (401, 403: an installation token revoked or an exhausted rate limit)
   * and 429 still fail it, to be retried.
   */
  async readPreviousRefs(repository: GithubRepositoryRef, path: string, ref: string, deliveryId: string): Promise<string[]> {
    try {
      return [...(await this.parseFileAt(repository, path, ref, async () => '{}')).entities.keys()];
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== undefined && status >= 400 && status < 500 && ![401, 403, 429].includes(status)) {
        this.logger.warn({ msg: 'previous file state unreadable; only recorded refs are compared', deliveryId, repository: repository.fullName, path, ref, status });
        return [];
      }
      throw err;
    }
  }

  private async parseFileAt(repository: GithubRepositoryRef, path: string, ref: string, readPlaceholder: PlaceholderReader): Promise<ParsedCatalogFile> {
    const content = await this.contents.readFile(repository, path, ref);
    return content === null ? EMPTY_FILE : parseCatalogFile(content, { readPlaceholder, path });
  }

  /**
   * Reads the file a placeholder names: a path relative to the catalog file, read at the same
   * commit, or a URL of a file in the same repository.
   */
  private async readPlaceholder(repository: GithubRepositoryRef, catalogPath: string, ref: string, htmlUrl: string, target: string): Promise<string> {
    let path = resolveRelativePath(catalogPath, target);
    let atRef = ref;
    if (path === null) {
      const prefix = `${htmlUrl.replace(/\/+$/, '')}/blob/`;
      if (!target.startsWith(prefix)) throw new Error('only files of the same repository can be read');
      const [urlRef, ...rest] = target.slice(prefix.length).split('/');
      atRef = urlRef;
      path = decodeURIComponent(rest.join('/'));
    }
    const text = await this.contents.readFile(repository, path, atRef);
    if (text === null) throw new Error('Not Found');
    return text;
  }
}
