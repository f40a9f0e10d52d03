import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { RecordedFile, RecordedHead, RepositoryIdentity, RepositoryRecord } from './repository-record';
import { RepositoryCatalogDocument } from './repository-catalog.schema';

/** Another writer changed the record since it was read: read again and decide again. */
export class RecordChangedError extends Error {}

type Lean = Omit<RepositoryCatalogDocument, 'updatedAt'>;

function toRecord(doc: Lean): RepositoryRecord {
  return {
    id: Number(doc._id),
    fullName: doc.fullName,
    htmlUrl: doc.htmlUrl,
    owner: doc.owner,
    defaultBranch: doc.defaultBranch,
    ...(doc.installationId !== null && doc.installationId !== undefined ? { installationId: doc.installationId } : {}),
    archived: doc.archived,
    files: (doc.files ?? []).map((f) => ({
      path: f.path,
      originPath: f.originPath,
      target: f.target,
      refs: [...f.refs],
      ...(f.hashes && f.hashes.length === f.refs.length ? { hashes: [...f.hashes] } : {}),
      ...(f.problemRefs && f.problemRefs.length > 0 ? { problemRefs: [...f.problemRefs] } : {}),
      commitSha: f.commitSha,
      sourceVersion: f.sourceVersion,
    })),
    ...(doc.head ? { head: { sha: doc.head.sha, ...(doc.head.before ? { before: doc.head.before } : {}), sourceVersion: doc.head.sourceVersion } } : {}),
    versionFloor: doc.versionFloor ?? 0,
    revision: doc.revision,
  };
}

/** Ingestion's record of each repository and what its files declared (`repository_catalog`). */
@Injectable()
export class RepositoryCatalogRepository {
  constructor(@InjectModel(RepositoryCatalogDocument.name) private readonly repositories: Model<RepositoryCatalogDocument>) {}

  async find(id: number): Promise<RepositoryRecord | null> {
    const doc = await this.repositories.findById(String(id)).lean<Lean>().exec();
    return doc ? toRecord(doc) : null;
  }

  async findByFullName(fullName: string): Promise<RepositoryRecord | null> {
    const doc = await this.repositories.findOne({ fullNameLower: fullName.toLowerCase() }).lean<Lean>().exec();
    return doc ? toRecord(doc) : null;
  }

  async findByInstallation(installationId: number): Promise<RepositoryRecord[]> {
    return (await this.repositories.find({ installationId }).lean<Lean[]>().exec()).map(toRecord);
  }

  async findByOwner(owner: string): Promise<RepositoryRecord[]> {
    return (await this.repositories.find({ owner: owner.toLowerCase() }).lean<Lean[]>().exec()).map(toRecord);
  }

  /** Every installation and owner recorded: what a reconciliation of "everything" covers. */
  async scopes(): Promise<{ installationIds: number[]; owners: string[] }> {
    const docs = await this.repositories.find({}, { installationId: 1, owner: 1 }).lean<Array<Pick<Lean, 'installationId' | 'owner'>>>().exec();
    const installationIds = [...new Set(docs.map((d) => d.installationId).filter((id): id is number => typeof id === 'number'))].sort((a, b) => a - b);
    return { installationIds, owners: [...new Set(docs.map((d) => d.owner))].sort() };
  }

  /**
   * Writes the repository's identity and files, conditional on the revision read (null: it
   * did not exist). Returns the new revision. The recorded head is kept unless `head` is given.
   */
  async write(identity: RepositoryIdentity, files: RecordedFile[], versionFloor: number, expectedRevision: number | null, head?: RecordedHead): Promise<number> {
    const fields = {
      fullName: identity.fullName,
      fullNameLower: identity.fullName.toLowerCase(),
      htmlUrl: identity.htmlUrl,
      owner: identity.owner.toLowerCase(),
      defaultBranch: identity.defaultBranch,
      installationId: identity.installationId ?? null,
      archived: identity.archived,
      files: [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      versionFloor,
      ...(head ? { head } : {}),
    };
    if (expectedRevision === null) {
      try {
        await this.repositories.create({ _id: String(identity.id), ...fields, revision: 1 });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw new RecordChangedError(`repository ${identity.id} was recorded concurrently`);
        throw err;
      }
      return 1;
    }
    const result = await this.repositories.updateOne({ _id: String(identity.id), revision: expectedRevision }, { $set: { ...fields, revision: expectedRevision + 1 } }).exec();
    if (result.matchedCount === 0) throw new RecordChangedError(`repository ${identity.id} changed concurrently`);
    return expectedRevision + 1;
  }
}
