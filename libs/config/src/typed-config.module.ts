import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import type { z } from 'zod';
import { parseEnv } from './env-schema';

/** Injection token for the service's parsed, typed configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment once, when the application is created (not when its module file
 * is imported), through @nestjs/config, and exposes the typed result under APP_CONFIG so
 * nothing else reads process.env.
 */
@Module({})
export class TypedConfigModule {
  static forRoot<S extends z.ZodType>(schema: S): DynamicModule {
    const appConfig = registerAs('callboard', () => parseEnv(schema, process.env) as Record<string, unknown>);
    return {
      module: TypedConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [appConfig] })],
      providers: [{ provide: APP_CONFIG, inject: [appConfig.KEY], useFactory: (config: z.infer<S>) => config }],
      exports: [APP_CONFIG],
    };
  }
}
