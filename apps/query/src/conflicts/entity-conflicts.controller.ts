import { Controller, Get, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { EntityConflictDocument } from '@callboard/mongo';

export interface EntityConflictView {
  entityRef: string;
  ownerLocation: string;
  contenderLocation: string;
  firstSeenAt: string;
  lastSeenAt: string;
  deliveryId: string;
  commitSha: string;
}

@Injectable()
export class EntityConflictsReadRepository {
  constructor(@InjectModel(EntityConflictDocument.name) private readonly conflicts: Model<EntityConflictDocument>) {}

  async list(): Promise<EntityConflictView[]> {
    return this.read({});
  }

  /** The conflicts whose contender is one of these locations (`url:<target>`). */
  async byContenders(locationKeys: readonly string[]): Promise<EntityConflictView[]> {
    if (locationKeys.length === 0) return [];
    return this.read(locationKeys.length === 1 ? { contenderLocationKey: locationKeys[0] } : { contenderLocationKey: { $in: [...locationKeys] } });
  }

  private async read(filter: Record<string, unknown>): Promise<EntityConflictView[]> {
    const docs = await this.conflicts.find(filter).sort({ _id: 1 }).lean<EntityConflictDocument[]>().exec();
    return docs.map((d) => ({
      entityRef: d.entityRef,
      ownerLocation: d.ownerLocationKey,
      contenderLocation: d.contenderLocationKey,
      firstSeenAt: d.firstSeenAt.toISOString(),
      lastSeenAt: d.lastSeenAt.toISOString(),
      deliveryId: d.deliveryId,
      commitSha: d.commitSha,
    }));
  }
}

/** Callboard's own endpoint: entities that a second location also declares (the first owner keeps them). */
@Controller('api/catalog/conflicts')
export class EntityConflictsController {
  constructor(private readonly conflicts: EntityConflictsReadRepository) {}

  @Get()
  async list(): Promise<{ items: EntityConflictView[] }> {
    return { items: await this.conflicts.list() };
  }
}
