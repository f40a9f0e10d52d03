export * from './kafka-options';
export * from './topic-provisioner';
export * from './event-publisher';
export * from './contract-consumer';
export * from './kafka.module';
export * from './topic-tail';
