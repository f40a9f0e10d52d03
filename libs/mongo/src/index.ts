export * from './mongo.module';
export * from './entity-document.schema';
export * from './entity-history.schema';
export * from './entity-conflict.schema';
export * from './processed-delivery.schema';
