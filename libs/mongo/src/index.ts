export * from './mongo.module';
export * from './entity-document.schema';
export * from './relation-index.schema';
export * from './entity-history.schema';
export * from './entity-conflict.schema';
export * from './relation-row.encoding';
export * from './processed-delivery.schema';
