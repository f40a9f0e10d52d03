import { GitHubStandIn } from '@callboard/github-stand-in';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { ingestionService } from '../../apps/ingestion/src/ingestion.service';
import { queryService } from '../../apps/query/src/query.service';
import { isolatedEnv, RunningService, startService } from './service-harness';

export interface GithubAppPipeline {
  env: Record<string, string>;
  installationId: number;
  ingestion: RunningService;
  query: RunningService;
  /** A repository of the organisation that the App's installation covers. */
  createRepository(name: string, options?: { defaultBranch?: string }): number;
  close(): Promise<void>;
}

/**
 * The three services in-process, ingestion reading `github` as a GitHub App installed on `org`
 * (one placeholder repository to begin with), on an isolated topic prefix and database.
 */
export async function startGithubAppPipeline(
  github: GitHubStandIn,
  options: { label: string; org: string; secret: string; env?: Record<string, string> },
): Promise<GithubAppPipeline> {
  const apiUrl = await github.start();
  const app = github.createApp({ name: 'Callboard' });
  github.createRepository(`${options.org}/placeholder`);
  const installationId = github.createInstallation(app.id, options.org, ['placeholder']);
  const env = {
    ...isolatedEnv(options.label),
    GITHUB_API_URL: apiUrl,
    GITHUB_APP_ID: String(app.id),
    GITHUB_APP_PRIVATE_KEY: app.privateKey,
    GITHUB_WEBHOOK_SECRET: options.secret,
    ...options.env,
  };
  const ingestion = await startService(ingestionService, env);
  const catalog = await startService(catalogService, env);
  const query = await startService(queryService, env);
  return {
    env,
    installationId,
    ingestion,
    query,
    createRepository: (name, repositoryOptions = {}) => {
      const id = github.createRepository(`${options.org}/${name}`, repositoryOptions);
      github.addInstallationRepositories(installationId, [`${options.org}/${name}`]);
      return id;
    },
    close: async () => {
      for (const service of [query, catalog, ingestion]) await service.close();
      await github.stop();
    },
  };
}
