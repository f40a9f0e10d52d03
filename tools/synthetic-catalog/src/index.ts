export * from './generate-catalog';
export * from './entity-events';
export { Random } from './random';
