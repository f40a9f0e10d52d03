import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EntityEventsModule } from '../entity-events/entity-events.module';
import { GithubModule } from '../github/github.module';
import { GithubOrgRepository } from './github-org.repository';
import { OrgSyncStateDocument, OrgSyncStateDocumentSchema, OrgSyncStateRepository } from './org-sync-state.repository';
import { SyncGithubOrgUseCase } from './sync-github-org.use-case';

/** Users and Groups from GitHub organisations (what a reconciliation and org events sync). */
@Module({
  imports: [GithubModule, EntityEventsModule, MongooseModule.forFeature([{ name: OrgSyncStateDocument.name, schema: OrgSyncStateDocumentSchema }])],
  providers: [GithubOrgRepository, OrgSyncStateRepository, SyncGithubOrgUseCase],
  exports: [SyncGithubOrgUseCase],
})
export class OrgPeopleModule {}
