export * from './mongo.module';
export * from './entity-document.schema';
export * from './entity-search.encoding';
