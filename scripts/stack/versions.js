'use strict';
// The single place for engine versions and the on-disk layout of the local stack.
// Bump a version here; the cache folder name follows, so old and new builds never mix.

const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

// Apache Kafka from Maven Central (broker + KRaft controller in one JVM).
const KAFKA_VERSION = '3.9.1';
const KAFKA_SCALA_VERSION = '2.13';
const KAFKA_ARTIFACT = {
  groupId: 'org.apache.kafka',
  artifactId: `kafka_${KAFKA_SCALA_VERSION}`,
  version: KAFKA_VERSION,
};
// The logging backend is not in kafka's POM; this is the one the release tarball ships.
const SLF4J_BACKEND = { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' };
const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

// FerretDB (MongoDB wire protocol on SQLite) built from the Go module proxy.
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
// Our source patches (ferretdb-patches.js) are part of the build's identity.
const { PATCH_LEVEL: FERRETDB_PATCH_LEVEL } = require('./ferretdb-patches');

/** Resolve a folder from an env var (relative values are relative to the repo root). */
function dirFromEnv(name, fallback, env = process.env) {
  const v = env[name];
  return v && v.trim() ? path.resolve(REPO_ROOT, v.trim()) : path.join(REPO_ROOT, fallback);
}

/**
 * Cache layout (downloads and builds; safe to delete, re-created on demand):
 *   <cache>/m2/                         Maven local repository (-Dmaven.repo.local)
 *   <cache>/go/{mod,build,path}/        GOMODCACHE, GOCACHE, GOPATH
 *   <cache>/kafka-<version>/libs/*.jar  Kafka runtime classpath
 *   <cache>/ferretdb-<version>/bin/ferretdb
 *   <cache>/<engine folder>/.complete   marker written last: the folder is complete
 *   <cache>/logs/                       provisioning logs (kept after failures)
 */
function cacheLayout(env = process.env) {
  const root = dirFromEnv('CALLBOARD_CACHE_DIR', path.join('.callboard', 'cache'), env);
  const kafkaDir = path.join(root, `kafka-${KAFKA_VERSION}`);
  const ferretDir = path.join(root, `ferretdb-${FERRETDB_VERSION}-${FERRETDB_PATCH_LEVEL}`);
  return {
    root,
    logs: path.join(root, 'logs'),
    m2: path.join(root, 'm2'),
    go: {
      modcache: path.join(root, 'go', 'mod'),
      cache: path.join(root, 'go', 'build'),
      path: path.join(root, 'go', 'path'),
    },
    kafka: {
      dir: kafkaDir,
      libs: path.join(kafkaDir, 'libs'),
      marker: path.join(kafkaDir, '.complete'),
      lock: path.join(root, `.kafka-${KAFKA_VERSION}.lock`),
      log: path.join(root, 'logs', `kafka-${KAFKA_VERSION}-provision.log`),
    },
    ferretdb: {
      dir: ferretDir,
      bin: path.join(ferretDir, 'bin', 'ferretdb'),
      marker: path.join(ferretDir, '.complete'),
      lock: path.join(root, `.ferretdb-${FERRETDB_VERSION}-${FERRETDB_PATCH_LEVEL}.lock`),
      log: path.join(root, 'logs', `ferretdb-${FERRETDB_VERSION}-build.log`),
    },
  };
}

/**
 * State layout for one profile (engine data, logs, pid files):
 *   <state>/<profile>/stack.lock
 *   <state>/<profile>/kafka/{server.properties,log4j.properties,cluster-id,data/,kafka.log,kafka.pid,kafka.json}
 *   <state>/<profile>/ferretdb/{ferretdb-data/,ferretdb-state/,ferretdb.log,ferretdb.pid,ferretdb.json}
 */
function stateLayout(profile, env = process.env) {
  const root = dirFromEnv('CALLBOARD_STATE_DIR', path.join('.callboard', 'state'), env);
  const dir = path.join(root, profile);
  const k = path.join(dir, 'kafka');
  const f = path.join(dir, 'ferretdb');
  return {
    root,
    dir,
    lock: path.join(dir, 'stack.lock'),
    kafka: {
      dir: k,
      props: path.join(k, 'server.properties'),
      log4j: path.join(k, 'log4j.properties'),
      clusterId: path.join(k, 'cluster-id'),
      data: path.join(k, 'data'),
      log: path.join(k, 'kafka.log'),
      pid: path.join(k, 'kafka.pid'),
      meta: path.join(k, 'kafka.json'),
    },
    ferretdb: {
      dir: f,
      data: path.join(f, 'ferretdb-data'),
      state: path.join(f, 'ferretdb-state'),
      log: path.join(f, 'ferretdb.log'),
      pid: path.join(f, 'ferretdb.pid'),
      meta: path.join(f, 'ferretdb.json'),
    },
  };
}

module.exports = {
  REPO_ROOT,
  KAFKA_VERSION,
  KAFKA_SCALA_VERSION,
  KAFKA_ARTIFACT,
  SLF4J_BACKEND,
  MAVEN_DEPENDENCY_PLUGIN,
  FERRETDB_MODULE,
  FERRETDB_VERSION,
  cacheLayout,
  stateLayout,
};
