export * from './topics';
export * from './github-delivery.contract';
export * from './entity-event.contract';
export * from './dead-letter.contract';
export * from './validation';
export * from './catalog-change.contract';
export * from './asyncapi';
export * from './refresh-request.contract';
