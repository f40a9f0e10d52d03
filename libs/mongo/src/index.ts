export * from './mongo.module';
export * from './entity-document.schema';
