import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import type { IngestionConfig } from '../ingestion.config';
import type { RepositoryIdentity } from '../repository-sync/repository-record';
import { listFiles, TreeListing } from '../repository-sync/tree-walk';
import { GithubClient, GithubClientFactory, GithubRepositoryRef } from './github-client.factory';

interface RepositoryPayload {
  id: number;
  full_name: string;
  html_url: string;
  default_branch?: string;
  archived?: boolean;
  owner?: { login?: string | null } | null;
}

const statusOf = (err: unknown) => (err as { status?: number }).status;

/**
 * GitHub's answer about a repository that no retry changes: 404 or 410 (deleted, or never
 * visible to these credentials), 403 that is not a rate limit (the App lacks the permission).
 * 401 is not one: a refused installation token is exchanged again on the next attempt.
 */
function isRefusal(err: unknown): boolean {
  const status = statusOf(err);
  if (status === 404 || status === 410) return true;
  if (status !== 403) return false;
  const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
  return headers['x-ratelimit-remaining'] !== '0' && headers['retry-after'] === undefined;
}

/** GitHub refuses to show a repository at all (see isRefusal): a fact about it, not an outage. */
export class GithubRepositoryUnreachableError extends Error {
  constructor(
    readonly repository: string,
    readonly status: number,
  ) {
    super(
      status === 403
        ? `GitHub refuses access to repository ${repository} (403): the credentials lack the permission to read it`
        : `repository ${repository} not found on GitHub (${status}): deleted, or not reachable with the configured credentials`,
    );
  }
}

/** A repository object from GitHub's REST API (or a webhook payload) as ingestion identifies it. */
export function identityOf(repository: RepositoryPayload, installationId: number | undefined): RepositoryIdentity {
  return {
    id: repository.id,
    fullName: repository.full_name,
    htmlUrl: repository.html_url,
    owner: repository.owner?.login ?? repository.full_name.split('/')[0],
    defaultBranch: repository.default_branch ?? 'main',
    ...(installationId !== undefined ? { installationId } : {}),
    archived: repository.archived ?? false,
  };
}

/** Repositories, commits and trees through GitHub's REST API: what scans and reconciliation read. */
@Injectable()
export class GithubRepositoriesRepository {
  constructor(
    private readonly clients: GithubClientFactory,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  /** The repository by name (as a GitHub App, through the installation covering it), or null when it does not exist or is out of reach. */
  async findByName(fullName: string): Promise<RepositoryIdentity | null> {
    const [owner, repo] = fullName.split('/');
    try {
      const installationId = this.config.githubAuth.kind === 'app' ? (await this.clients.forApp().rest.apps.getRepoInstallation({ owner, repo })).data.id : undefined;
      const { data } = await this.clients.forInstallation(installationId).rest.repos.get({ owner, repo });
      return identityOf(data, installationId);
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  /**
   * The repository as GitHub describes it now, looked up by id (so a rename or transfer is
   * followed), or null when it is gone or this installation no longer reaches it.
   */
  async findById(id: number, installationId: number | undefined): Promise<RepositoryIdentity | null> {
    const octokit = this.clients.forInstallation(installationId);
    try {
      const { data } = await octokit.request('GET /repositories/{repository_id}', { repository_id: id });
      return identityOf(data as RepositoryPayload, installationId);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    // `/repositories/{id}` is not in GitHub's documented REST API (a GitHub Enterprise Server
    // or proxy may lack it), so a 404 is confirmed against what the installation lists.
    if (this.config.githubAuth.kind !== 'app' || installationId === undefined) return null;
    return (await this.listInstallationRepositories(installationId)).find((r) => r.id === id) ?? null;
  }

  /**
   * The head of a branch: its commit with the commit time (ms), or null for an empty
   * repository or a missing branch. When GitHub does not answer for the branch or its commit
   * (a server serving less of the API), the branch's root tree stands in: `sha` is then the
   * tree's, the time the repository's last push's, and `ref` the branch, which files must be read at.
   */
  async headCommit(repository: GithubRepositoryRef, branch: string): Promise<{ sha: string; committedAt: number; ref?: string } | null> {
    const [owner, repo] = repository.fullName.split('/');
    const octokit = await this.clients.forRepository(repository);
    const commitOf = (commit: { sha: string; commit: { committer?: { date?: string } | null; author?: { date?: string } | null } }) => {
      const date = commit.commit.committer?.date ?? commit.commit.author?.date;
      return { sha: commit.sha, committedAt: date ? Date.parse(date) : Date.now() };
    };
    try {
      // The branch, not the commit: an empty repository answers 404 here (409 for a commit,
      // which the retry plugin would retry as if it were transient).
      return commitOf((await octokit.rest.repos.getBranch({ owner, repo, branch })).data.commit);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    try {
      // Not retried: 409 is an empty repository here, not a transient conflict.
      return commitOf((await octokit.rest.repos.getCommit({ owner, repo, ref: branch, request: { retries: 0 } })).data);
    } catch (err) {
      if (statusOf(err) === 409) return null;
      if (statusOf(err) !== 404) throw err;
    }
    let tree: string;
    try {
      tree = (await octokit.rest.git.getTree({ owner, repo, tree_sha: branch, request: { retries: 0 } })).data.sha;
    } catch (err) {
      if (statusOf(err) === 404 || statusOf(err) === 409) return null;
      throw err;
    }
    // No commit time: the last push's stands in. It is not earlier than the head commit's (the
    // version the push of this state published), and not later than a later push's commit.
    const { data } = await octokit.rest.repos.get({ owner, repo });
    const pushedAt = data.pushed_at ? Date.parse(data.pushed_at) : NaN;
    return { sha: tree, committedAt: Number.isFinite(pushedAt) ? pushedAt : Date.now(), ref: branch };
  }

  /** Every file path at a commit, from the git trees API (past GitHub's truncation of large trees). */
  async listFiles(repository: GithubRepositoryRef, commitSha: string): Promise<string[]> {
    const [owner, repo] = repository.fullName.split('/');
    const octokit = await this.clients.forRepository(repository);
    const read = async (sha: string, recursive: boolean): Promise<TreeListing> => {
      const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: sha, ...(recursive ? { recursive: '1' } : {}) });
      return { truncated: data.truncated, entries: data.tree.map((e) => ({ path: e.path ?? '', type: e.type ?? '', sha: e.sha ?? '' })) };
    };
    try {
      return await listFiles(read, commitSha);
    } catch (err) {
      if (statusOf(err) === 409) return [];
      if (isRefusal(err)) await this.confirmReachable(octokit, repository.fullName);
      throw err;
    }
  }

  /**
   * After a read refused with 404/410/403: throws GithubRepositoryUnreachableError when GitHub
   * refuses the repository itself too. When the repository answers, the refusal was about what
   * was read (a commit not visible yet) and the caller's error stands.
   */
  private async confirmReachable(octokit: GithubClient, fullName: string): Promise<void> {
    const [owner, repo] = fullName.split('/');
    try {
      await octokit.rest.repos.get({ owner, repo });
    } catch (err) {
      if (isRefusal(err)) throw new GithubRepositoryUnreachableError(fullName, statusOf(err)!);
      throw err;
    }
  }

  /** The repositories an installation reaches (its token's view). */
  async listInstallationRepositories(installationId: number): Promise<RepositoryIdentity[]> {
    const octokit = this.clients.forInstallation(installationId);
    const repositories = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
    return (repositories as RepositoryPayload[]).map((r) => identityOf(r, installationId));
  }

  /** An owner's repositories as the configured token sees them (an organisation, else a user). */
  async listOwnerRepositories(owner: string): Promise<RepositoryIdentity[]> {
    const octokit = this.clients.forInstallation(undefined);
    const list = async (request: () => Promise<unknown[]>) => ((await request()) as RepositoryPayload[]).map((r) => identityOf(r, undefined));
    try {
      return await list(() => octokit.paginate(octokit.rest.repos.listForOrg, { org: owner, per_page: 100, type: 'all' }));
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      return list(() => octokit.paginate(octokit.rest.repos.listForUser, { username: owner, per_page: 100, type: 'owner' }));
    }
  }

  /** Every installation of the App. */
  async listInstallations(): Promise<Array<{ id: number; account: string; suspended: boolean }>> {
    const octokit = this.clients.forApp();
    const installations = await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: 100 });
    return installations.map((i) => ({ id: i.id, account: (i.account && 'login' in i.account ? i.account.login : (i.account as { slug?: string } | null)?.slug) ?? '', suspended: Boolean(i.suspended_at) }));
  }

  /** The App's installation on an organisation or user account, or null. */
  async findInstallationOf(owner: string): Promise<number | null> {
    const octokit = this.clients.forApp();
    for (const lookup of [() => octokit.rest.apps.getOrgInstallation({ org: owner }), () => octokit.rest.apps.getUserInstallation({ username: owner })]) {
      try {
        return (await lookup()).data.id;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    }
    return null;
  }
}
