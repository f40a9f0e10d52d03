import { DynamicModule, Global, Module } from '@nestjs/common';
import type { z } from 'zod';
import { parseEnv } from './env-schema';

/** Injection token for the service's parsed, typed configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injection token for values that take the place of environment variables (a command starting an app, a test). */
export const CONFIG_OVERRIDES = Symbol('CONFIG_OVERRIDES');

/** Variables to set (a string) or to unset (undefined) over the process environment. */
export type ConfigOverrides = Readonly<Record<string, string | undefined>>;

/** The environment as an app is to see it: the process's, with the overrides applied. */
export function environmentWith(overrides: ConfigOverrides | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

/** Provides the overrides to TypedConfigModule; imported (once) by whatever builds the app. */
@Global()
@Module({})
export class ConfigOverridesModule {
  static forRoot(overrides: ConfigOverrides): DynamicModule {
    return { module: ConfigOverridesModule, providers: [{ provide: CONFIG_OVERRIDES, useValue: overrides }], exports: [CONFIG_OVERRIDES] };
  }
}

/**
 * Validates the environment once, when the application is created (not when its module file
 * is imported), and exposes the typed result under APP_CONFIG so nothing else reads
 * process.env. Overrides (ConfigOverridesModule) take the place of variables, so a command
 * can start an app configured differently without touching the process environment.
 */
@Module({})
export class TypedConfigModule {
  static forRoot<S extends z.ZodType>(schema: S): DynamicModule {
    return {
      module: TypedConfigModule,
      global: true,
      providers: [
        {
          provide: APP_CONFIG,
          inject: [{ token: CONFIG_OVERRIDES, optional: true }],
          useFactory: (overrides?: ConfigOverrides) => parseEnv(schema, environmentWith(overrides)),
        },
      ],
      exports: [APP_CONFIG],
    };
  }
}
