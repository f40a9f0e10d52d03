import type { Provider } from '@nestjs/common';
import type { ModelDefinition } from '@nestjs/mongoose';
import { GithubOrgRepository } from './github-org.repository';
import { HandleOrgEventUseCase } from './handle-org-event.use-case';
import { OrgSyncStateDocument, OrgSyncStateDocumentSchema, OrgSyncStateRepository } from './org-sync-state.repository';
import { SyncGithubOrgUseCase } from './sync-github-org.use-case';

/**
 * Users and Groups from GitHub organisations, registered in the ingestion module beside the
 * GitHub clients, the Kafka publisher and the Mongo connection they use.
 * `SyncGithubOrgUseCase` is the entry point a reconciliation calls.
 */
export const ORG_SYNC_MODELS: ModelDefinition[] = [{ name: OrgSyncStateDocument.name, schema: OrgSyncStateDocumentSchema }];
export const ORG_SYNC_PROVIDERS: Provider[] = [GithubOrgRepository, OrgSyncStateRepository, SyncGithubOrgUseCase, HandleOrgEventUseCase];

export { SyncGithubOrgUseCase } from './sync-github-org.use-case';
export type { OrgSyncOutcome, OrgSyncRequest } from './sync-github-org.use-case';
