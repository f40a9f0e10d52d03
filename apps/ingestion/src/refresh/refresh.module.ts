import { Module } from '@nestjs/common';
import { GithubModule } from '../github/github.module';
import { RepositorySyncModule } from '../repository-sync/repository-sync.module';
import { RefreshLocationUseCase } from './refresh-location.use-case';
import { RefreshRequestConsumer } from './refresh-request.consumer';

/** Refresh requests from the query API: a location read again now. */
@Module({
  imports: [GithubModule, RepositorySyncModule],
  providers: [RefreshLocationUseCase, RefreshRequestConsumer],
  exports: [RefreshRequestConsumer],
})
export class RefreshModule {}
