import { Injectable } from '@nestjs/common';
import { EntityAtLocationVerdict, validateEntityAt } from '@callboard/entity-model';

export class ValidateEntityCommand {
  constructor(
    readonly entity: unknown,
    readonly locationRef: string,
  ) {}
}

/** Checks an entity as processing would, without storing anything (`POST /validate-entity`). */
@Injectable()
export class ValidateEntity {
  execute(command: ValidateEntityCommand): Promise<EntityAtLocationVerdict> {
    return validateEntityAt(command.entity, command.locationRef);
  }
}
