import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import type { GithubOrgSnapshot, GithubOrgTeam, GithubOrgUser } from '@callboard/entity-model';
import { GithubClient, GithubClientFactory } from '../github/github-client.factory';
import type { IngestionConfig } from '../ingestion.config';

/** The organisation cannot be read with these credentials (gone, not visible, or no Members permission): retrying will not help. */
export class GithubOrgNotReadableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface GithubOrgRead {
  id: number;
  login: string;
  snapshot: GithubOrgSnapshot;
  /** The App installation the organisation was read through (none with a token). */
  installationId?: number;
}

// Team and profile reads run side by side, but few at a time: an organisation has many
// people and GitHub's secondary rate limits punish bursts.
const PARALLEL_READS = 6;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Reads an organisation's members, teams (with their parents), team members and members'
 * profiles through GitHub's REST API, every list paginated.
 */
@Injectable()
export class GithubOrgRepository {
  constructor(
    private readonly clients: GithubClientFactory,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  async read(org: string, installationId: number | undefined): Promise<GithubOrgRead> {
    const { octokit, installationId: through } = await this.clientFor(org, installationId);
    try {
      const { data: organization } = await octokit.rest.orgs.get({ org });
      const login = organization.login;
      const members = await octokit.paginate(octokit.rest.orgs.listMembers, { org: login, per_page: 100 });
      const teams = await octokit.paginate(octokit.rest.teams.list, { org: login, per_page: 100 });
      const teamSnapshots = await mapLimited(teams, PARALLEL_READS, async (team): Promise<GithubOrgTeam> => {
        const teamMembers = await octokit.paginate(octokit.rest.teams.listMembersInOrg, { org: login, team_slug: team.slug, per_page: 100 });
        return {
          slug: team.slug,
          name: team.name,
          description: team.description,
          htmlUrl: team.html_url,
          parentSlug: team.parent?.slug ?? null,
          members: teamMembers.map((m) => m.login),
        };
      });
      const users = await mapLimited(members, PARALLEL_READS, async (member): Promise<GithubOrgUser> => {
        try {
          const { data: user } = await octokit.rest.users.getByUsername({ username: member.login });
          return { login: user.login, name: user.name, email: user.email, avatarUrl: user.avatar_url, bio: user.bio };
        } catch (err) {
          // A member whose profile cannot be read (gone a moment later, or a GitHub that does not
          // serve profiles) is still a member: the list's own fields make the User.
          if ((err as { status?: number }).status !== 404) throw err;
          return { login: member.login, name: null, email: null, avatarUrl: member.avatar_url, bio: null };
        }
      });
      return {
        id: organization.id,
        login,
        snapshot: { org: { login, htmlUrl: organization.html_url }, users, teams: teamSnapshots },
        ...(through !== undefined ? { installationId: through } : {}),
      };
    } catch (err) {
      throw this.unreadable(err, org) ?? err;
    }
  }

  private async clientFor(org: string, installationId: number | undefined): Promise<{ octokit: GithubClient; installationId?: number }> {
    if (this.config.githubAuth.kind !== 'app') return { octokit: this.clients.forInstallation(undefined) };
    if (installationId !== undefined) return { octokit: this.clients.forInstallation(installationId), installationId };
    // As a GitHub App without a delivery naming the installation (a reconciliation): ask GitHub.
    try {
      const { data } = await this.clients.forApp().rest.apps.getOrgInstallation({ org });
      return { octokit: this.clients.forInstallation(data.id), installationId: data.id };
    } catch (err) {
      if ((err as { status?: number }).status === 404) throw new GithubOrgNotReadableError(`the GitHub App is not installed on the organisation ${org}`, 404);
      throw err;
    }
  }

  /**
   * 404: the organisation (or a team read a moment later) is not visible to these credentials;
   * 403 without an exhausted rate limit: the App lacks the Members permission. Both are settled
   * facts, unlike 5xx, 401 (a revoked token is exchanged again) and rate limits.
   */
  private unreadable(err: unknown, org: string): GithubOrgNotReadableError | undefined {
    const { status, message, response } = err as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
    if (status === 404 && /\/orgs\/[^/]+$/.test((err as { request?: { url?: string } }).request?.url ?? '')) {
      return new GithubOrgNotReadableError(`the organisation ${org} cannot be read: Not Found`, status);
    }
    const rateLimited = response?.headers?.['x-ratelimit-remaining'] === '0' || response?.headers?.['retry-after'] !== undefined;
    if (status === 403 && !rateLimited) return new GithubOrgNotReadableError(`the organisation ${org}'s people cannot be read: ${message ?? 'Forbidden'}`, status);
    return undefined;
  }
}
