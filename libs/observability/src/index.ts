export * from './logging.module';
export * from './service-bootstrap';
export * from './periodic-task';
export * from './http-server-limits';
export * from './json-depth';
