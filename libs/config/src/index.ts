export * from './env-schema';
export * from './typed-config.module';
