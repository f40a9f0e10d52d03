import { Controller, Get } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { KafkaHealthIndicator } from '@callboard/kafka';
import { MONGO_PING_TIMEOUT_MS, mongoAnswersPing } from './mongo-ping';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.kafka.check(),
      async () => {
        const indicator = this.indicators.check('mongodb');
        return (await mongoAnswersPing(this.connection)) ? indicator.up() : indicator.down(`no answer to a ping within ${MONGO_PING_TIMEOUT_MS} ms`);
      },
    ]);
  }
}
