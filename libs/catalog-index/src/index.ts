export * from './posting';
export * from './id-bitmap';
export * from './catalog-index';
