export * from './mongo.module';
export * from './entity-document.schema';
export * from './entity-search.encoding';
export * from './relation-index.schema';
export * from './relation-row.encoding';
