import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf, EntityEventV1, entityEventV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { githubFileLocation, parseCatalogFile, ParsedCatalogFile, PlaceholderReader, planLocationChanges, resolveRelativePath } from '@callboard/entity-model';
import { EventPublisher, topicName } from '@callboard/kafka';
import type { GithubRepositoryRef } from '../github/github-client.factory';
import { GithubContentsRepository } from '../github/github-contents.repository';
import type { IngestionConfig } from '../ingestion.config';
import { isDefaultBranchPush, isZeroSha, PushEvent, pushSourceVersion, touchedCatalogPaths } from './push-event';

export interface PushOutcome {
  files: number;
  upserts: number;
  removals: number;
  invalidDocuments: number;
}

const EMPTY_FILE: ParsedCatalogFile = { entities: new Map(), errors: [] };
// The state before the push could not be read: nothing can safely be removed.
const UNKNOWN_FILE: ParsedCatalogFile = { entities: new Map(), errors: [] };

/**
 * Turns a default-branch push into entity events: for each catalog file the push touched,
 * compare what the file declared before the push with what it declares after it.
 */
@Injectable()
export class ProcessPushUseCase {
  private readonly logger = new Logger(ProcessPushUseCase.name);
  private readonly entityTopic: string;
  private readonly entityDeadLetterTopic: string;

  constructor(
    private readonly contents: GithubContentsRepository,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {
    this.entityTopic = topicName(config, TOPICS.entityEvents);
    this.entityDeadLetterTopic = topicName(config, deadLetterTopicOf(TOPICS.entityEvents));
  }

  async execute(push: PushEvent, deliveryId: string): Promise<PushOutcome> {
    const outcome: PushOutcome = { files: 0, upserts: 0, removals: 0, invalidDocuments: 0 };
    if (!isDefaultBranchPush(push)) {
      this.logger.debug({ msg: 'push ignored: not the default branch', deliveryId, ref: push.ref });
      return outcome;
    }
    const repository = push.repository;
    // An App's delivery names the installation to read through; a token ignores it.
    const readFrom: GithubRepositoryRef = { fullName: repository.full_name, installationId: push.installation?.id };
    const sourceVersion = pushSourceVersion(push, new Date());
    for (const path of touchedCatalogPaths(push, this.config.CATALOG_FILE_PATHS)) {
      outcome.files += 1;
      const [before, after] = await Promise.all([
        isZeroSha(push.before) ? Promise.resolve(EMPTY_FILE) : this.readPreviousCatalogFile(readFrom, path, push.before, deliveryId),
        this.readCatalogFile(readFrom, path, push.after, repository.html_url),
      ]);
      const location = githubFileLocation(repository.html_url, repository.default_branch, path);
      const source = { provider: 'github' as const, deliveryId, repository: repository.full_name, repositoryId: repository.id, commitSha: push.after, path };

      for (const error of after.errors) {
        outcome.invalidDocuments += 1;
        await this.publisher.publishDeadLetter(this.entityDeadLetterTopic, {
          reason: `invalid document ${error.index} in ${repository.full_name}/${path}: ${error.message}`,
          stage: 'ingestion.catalog-file',
          deliveryId,
          original: { topic: this.entityTopic, key: location.target, value: null },
          details: { repository: repository.full_name, path, commitSha: push.after, documentIndex: error.index, location: location.target },
        });
      }

      const plan = planLocationChanges(before.entities, after.entities);
      // As Backstage does, a file with a broken document does not orphan anything: the
      // entity may be the broken one, and deleting it would lose it until the file is fixed.
      const removals = after.errors.length > 0 || before === UNKNOWN_FILE ? [] : plan.removals;
      const common = { schemaVersion: 1 as const, location, originLocation: location, source, sourceVersion, emittedAt: new Date().toISOString() };
      const events: EntityEventV1[] = [
        ...removals.map((entityRef): EntityEventV1 => ({ ...common, eventId: randomUUID(), type: 'removal', entityRef })),
        ...plan.upserts.map(({ ref, entity }): EntityEventV1 => ({ ...common, eventId: randomUUID(), type: 'upsert', entityRef: ref, entity })),
      ];
      await this.publisher.publish(
        this.entityTopic,
        entityEventV1Schema,
        events.map((event) => ({ key: event.entityRef, value: event, headers: { 'x-github-delivery': deliveryId } })),
      );
      outcome.upserts += plan.upserts.length;
      outcome.removals += removals.length;
    }
    this.logger.log({ msg: 'push processed', deliveryId, repository: repository.full_name, after: push.after, ...outcome });
    return outcome;
  }

  /**
   * The file as it was before the push, to find what it no longer declares. A commit GitHub
   * refuses to resolve (a force-push can orphan `before`) leaves that state unknown rather
   * than failing the delivery; server errors, refused credentials (401, 403: an installation
   * token revoked or an exhausted rate limit) and 429 still fail it, to be retried.
   */
  private async readPreviousCatalogFile(repository: GithubRepositoryRef, path: string, ref: string, deliveryId: string): Promise<ParsedCatalogFile> {
    try {
      return await this.readDeclaredRefs(repository, path, ref);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== undefined && status >= 400 && status < 500 && ![401, 403, 429].includes(status)) {
        this.logger.warn({ msg: 'previous file state unreadable; removals skipped for this file', deliveryId, repository: repository.fullName, path, ref, status });
        return UNKNOWN_FILE;
      }
      throw err;
    }
  }

  private readCatalogFile(repository: GithubRepositoryRef, path: string, ref: string, htmlUrl: string): Promise<ParsedCatalogFile> {
    return this.parseFileAt(repository, path, ref, (target) => this.readPlaceholder(repository, path, ref, htmlUrl, target));
  }

  /** Only the refs a file declared matter for removals, so placeholders get a stand-in value. */
  private readDeclaredRefs(repository: GithubRepositoryRef, path: string, ref: string): Promise<ParsedCatalogFile> {
    return this.parseFileAt(repository, path, ref, async () => '{}');
  }

  private async parseFileAt(repository: GithubRepositoryRef, path: string, ref: string, readPlaceholder: PlaceholderReader): Promise<ParsedCatalogFile> {
    const content = await this.contents.readFile(repository, path, ref);
    return content === null ? EMPTY_FILE : parseCatalogFile(content, { readPlaceholder });
  }

  /**
   * Reads the file a `$text`/`$json`/`$yaml` placeholder names: a path relative to the catalog
   * file, read at the same commit, or a URL of a file in the same repository.
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
