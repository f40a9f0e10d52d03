import { DynamicModule, INestApplication, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { CustomStrategy } from '@nestjs/microservices';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { z } from 'zod';
import { APP_CONFIG, ConfigOverrides, ConfigOverridesModule, ConfigValidationError, environmentWith, parseEnv } from '@callboard/config';
import { answerUnparsableRequests } from './http-server-limits';

interface ListenSettings {
  HOST: string;
  PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface ServiceDefinition<C extends ListenSettings> {
  name: string;
  module: Type<unknown> | DynamicModule;
  /** The schema the module validates; checked before Nest starts so a bad value is one line. */
  configSchema: z.ZodType;
  /** Express options for the HTTP side (e.g. the raw webhook body parser). */
  bodyParser?: boolean;
  configure?: (app: NestExpressApplication, config: C) => void | Promise<void>;
  /** Kafka consumers hosted by this service, as Nest microservice strategies. */
  consumers?: (app: INestApplication, config: C) => CustomStrategy[];
}

/** The root of a service's module tree: the service's module, and the overrides its config module reads. */
@Module({})
class ServiceRootModule {
  static of(definition: ServiceDefinition<ListenSettings>, overrides: ConfigOverrides): DynamicModule {
    return { module: ServiceRootModule, imports: [ConfigOverridesModule.forRoot(overrides), definition.module] };
  }
}

export interface CreateServiceOptions {
  /** Take the place of environment variables for this app only (commands starting an app, tests). */
  configOverrides?: ConfigOverrides;
}

/**
 * Builds a service without listening: validated config (a bad value throws
 * ConfigValidationError naming the variable), pino logs, HTTP setup and hosted consumers.
 * Tests and commands start services through this too, so they run exactly what production runs.
 */
export async function createServiceApp<C extends ListenSettings>(definition: ServiceDefinition<C>, options: CreateServiceOptions = {}): Promise<{ app: NestExpressApplication; config: C }> {
  // Checked before Nest starts so a bad value is one error naming the variable, not a module failure.
  parseEnv(definition.configSchema, environmentWith(options.configOverrides));
  const root = ServiceRootModule.of(definition as unknown as ServiceDefinition<ListenSettings>, options.configOverrides ?? {});
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bufferLogs: true,
    bodyParser: definition.bodyParser ?? true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  // Names the framework to every client, which helps only someone looking for its weaknesses.
  app.disable('x-powered-by');
  answerUnparsableRequests(app.getHttpServer());
  const config = app.get<C>(APP_CONFIG);
  await definition.configure?.(app, config);
  for (const strategy of definition.consumers?.(app, config) ?? []) {
    app.connectMicroservice(strategy, { inheritAppConfig: true });
  }
  // Module init provisions topics and connects producers; consumers subscribe only after it.
  await app.init();
  return { app, config };
}

/**
 * Starts a service for real: a bad configuration exits with one line naming the variable;
 * SIGTERM/SIGINT shut down gracefully: consumers leave their group after in-flight
 * messages finish, then connections close.
 */
export async function runService<C extends ListenSettings>(definition: ServiceDefinition<C>): Promise<INestApplication> {
  try {
    parseEnv(definition.configSchema, process.env);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    process.stderr.write(`${definition.name}: ${err.message}\n`);
    process.exit(1);
  }
  const { app, config } = await createServiceApp(definition);

  const logger = new Logger(definition.name);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    // A hung dependency must not keep the process alive forever.
    const timer = setTimeout(() => {
      logger.error(`shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms, exiting`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ msg: 'error during shutdown', err });
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  logger.log(`${definition.name} listening on http://${config.HOST}:${config.PORT}`);
  return app;
}
