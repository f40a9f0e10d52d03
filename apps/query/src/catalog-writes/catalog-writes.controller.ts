import { Controller, Delete, ForbiddenException, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/openapi-document';

const READ_FROM_GITHUB =
  "Callboard's catalog is read from GitHub: what it holds is decided by the catalog files in the repositories the GitHub App can read (CATALOG_FILE_PATHS), so entities and locations are added, changed and removed by changing those files";

/**
 * The catalog-writing routes of Backstage's API (register a location, unregister an entity).
 * They exist so that a portal calling them gets a clear 403 NotAllowedError, which Backstage's
 * frontend shows as a message, instead of a 404 that reads like a broken deployment.
 */
@ApiTags('entities')
@Controller('api/catalog')
export class CatalogWritesController {
  @Post('locations')
  @ApiOperation({ summary: 'Not allowed: locations are the catalog files GitHub holds' })
  @ApiErrors(403)
  addLocation(): never {
    throw new ForbiddenException(`${READ_FROM_GITHUB}; add a catalog file to a repository instead of registering a location`);
  }

  @Delete('locations/:id')
  @ApiOperation({ summary: 'Not allowed: locations are the catalog files GitHub holds' })
  @ApiParam({ name: 'id', type: String })
  @ApiErrors(403)
  removeLocation(): never {
    throw new ForbiddenException(`${READ_FROM_GITHUB}; delete the catalog file instead of the location`);
  }

  @Delete('entities/by-uid/:uid')
  @ApiOperation({ summary: 'Not allowed: an entity leaves when its catalog file no longer declares it' })
  @ApiParam({ name: 'uid', type: String })
  @ApiErrors(403)
  removeEntity(): never {
    throw new ForbiddenException(`${READ_FROM_GITHUB}; remove the entity from its catalog file instead`);
  }

  @Post('analyze-location')
  @ApiOperation({ summary: 'Not allowed: locations are the catalog files GitHub holds' })
  @ApiErrors(403)
  analyzeLocation(): never {
    throw new ForbiddenException(`${READ_FROM_GITHUB}; there is no location to import`);
  }
}
