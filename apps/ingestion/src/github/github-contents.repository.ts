import { Injectable } from '@nestjs/common';
import { GithubClientFactory, GithubRepositoryRef } from './github-client.factory';

/** Reads repository files through GitHub's REST contents API (github.com or Enterprise Server). */
@Injectable()
export class GithubContentsRepository {
  constructor(private readonly clients: GithubClientFactory) {}

  /** The file's text at a commit, or null when the file (or the commit) does not exist. */
  async readFile(repository: GithubRepositoryRef, path: string, ref: string): Promise<string | null> {
    const [owner, repo] = repository.fullName.split('/');
    const octokit = await this.clients.forRepository(repository);
    try {
      const response = await octokit.rest.repos.getContent({ owner, repo, path, ref, mediaType: { format: 'raw' } });
      const data: unknown = response.data;
      if (typeof data === 'string') return data;
      if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
      if (data && typeof data === 'object' && 'content' in data && typeof (data as { content: unknown }).content === 'string') {
        return Buffer.from((data as { content: string }).content, 'base64').toString('utf8');
      }
      return null; // a directory or submodule at that path is not a catalog file
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  }
}
