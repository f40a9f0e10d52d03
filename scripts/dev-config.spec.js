'use strict';
const { devConfig, DevConfigError } = require('./dev-config');

describe('devConfig (the ports of npm run dev)', () => {
  it('gives the services their default ports', () => {
    expect(devConfig({}).ports).toEqual({ ingestion: 7001, catalog: 7002, query: 7007, standIn: 7010 });
  });

  it('takes every port from its variable', () => {
    const env = { CALLBOARD_INGESTION_PORT: '7101', CALLBOARD_CATALOG_PORT: ' 7102 ', CALLBOARD_QUERY_PORT: '7107', CALLBOARD_GITHUB_STAND_IN_PORT: '7110' };
    expect(devConfig(env).ports).toEqual({ ingestion: 7101, catalog: 7102, query: 7107, standIn: 7110 });
  });

  it('stops with one line naming the variable of a wrong or doubled port', () => {
    expect(() => devConfig({ CALLBOARD_QUERY_PORT: 'http' })).toThrow(new DevConfigError('CALLBOARD_QUERY_PORT must be an integer from 1 to 65535 (got "http")'));
    expect(() => devConfig({ CALLBOARD_INGESTION_PORT: '70000' })).toThrow(/^CALLBOARD_INGESTION_PORT must be an integer from 1 to 65535/);
    expect(() => devConfig({ CALLBOARD_CATALOG_PORT: '0' })).toThrow(/^CALLBOARD_CATALOG_PORT must be/);
    expect(() => devConfig({ CALLBOARD_QUERY_PORT: '7001' })).toThrow('CALLBOARD_INGESTION_PORT and CALLBOARD_QUERY_PORT are both 7001: each port must differ');
    expect(() => devConfig({ CALLBOARD_GITHUB_STAND_IN_PORT: '9092' }, { kafka: { port: 9092, variable: 'CALLBOARD_KAFKA_PORT' } })).toThrow(
      'CALLBOARD_KAFKA_PORT and CALLBOARD_GITHUB_STAND_IN_PORT are both 9092: each port must differ',
    );
  });
});
