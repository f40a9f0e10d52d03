import { Controller, Get } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, MongooseHealthIndicator } from '@nestjs/terminus';
import { CatalogReadModel } from '../read-model/catalog-read-model';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongooseHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly readModel: CatalogReadModel,
  ) {}

  @Get()
  @HealthCheck()
  @ApiResponse({ status: 503, description: 'MongoDB unreachable, or the read model not caught up yet' })
  check() {
    return this.health.check([
      () => this.mongo.pingCheck('mongodb', { timeout: 3000 }),
      () => {
        // Serving before the replay caught up would show a catalog older than the snapshot.
        const indicator = this.indicators.check('readModel');
        const status = this.readModel.status();
        return status.ready ? indicator.up(status) : indicator.down(status);
      },
    ]);
  }
}
