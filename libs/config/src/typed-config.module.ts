import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { z } from 'zod';
import { parseEnv } from './env-schema';

/** Injection token for the service's parsed, typed configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment once, at boot, through @nestjs/config, and exposes the typed
 * result under APP_CONFIG so nothing else reads process.env.
 */
@Module({})
export class TypedConfigModule {
  static forRoot<S extends z.ZodType>(schema: S): DynamicModule {
    let parsed: z.infer<S> | undefined;
    return {
      module: TypedConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validate: (env) => {
            parsed = parseEnv(schema, env);
            return env;
          },
        }),
      ],
      providers: [{ provide: APP_CONFIG, useFactory: () => parsed }],
      exports: [APP_CONFIG],
    };
  }
}
