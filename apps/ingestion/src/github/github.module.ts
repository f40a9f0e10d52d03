import { Module } from '@nestjs/common';
import { GithubClientFactory } from './github-client.factory';
import { GithubContentsRepository } from './github-contents.repository';
import { GithubRepositoriesRepository } from './github-repositories.repository';

/** GitHub's REST API: clients for the configured authentication, and what is read through them. */
@Module({
  providers: [GithubClientFactory, GithubContentsRepository, GithubRepositoriesRepository],
  exports: [GithubClientFactory, GithubContentsRepository, GithubRepositoriesRepository],
})
export class GithubModule {}
