export * from './logging.module';
export * from './service-bootstrap';
export * from './periodic-task';
