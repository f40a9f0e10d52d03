import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EntityEventsModule } from '../entity-events/entity-events.module';
import { GithubModule } from '../github/github.module';
import { CatalogFileReader } from './catalog-file.reader';
import { RepositoryCatalogRepository } from './repository-catalog.repository';
import { RepositoryCatalogDocument, RepositoryCatalogDocumentSchema } from './repository-catalog.schema';
import { RepositorySync } from './repository-sync.service';

/** A repository's catalog files read from GitHub and turned into entity events, against ingestion's record of them. */
@Module({
  imports: [GithubModule, EntityEventsModule, MongooseModule.forFeature([{ name: RepositoryCatalogDocument.name, schema: RepositoryCatalogDocumentSchema }])],
  providers: [RepositoryCatalogRepository, CatalogFileReader, RepositorySync],
  exports: [RepositoryCatalogRepository, RepositorySync],
})
export class RepositorySyncModule {}
