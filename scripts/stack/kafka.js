'use strict';
// Apache Kafka (KRaft, one combined broker+controller node) from Maven Central jars.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const V = require('./versions');
const U = require('./util');

const MVN_TIMEOUT_MS = 20 * 60 * 1000;
const TOOL_TIMEOUT_MS = 2 * 60 * 1000;

function javaPath(env = process.env) {
  // Same rule as Kafka's own kafka-run-class.sh: JAVA_HOME first, then PATH.
  if (env.JAVA_HOME) {
    const p = path.join(env.JAVA_HOME, 'bin', 'java');
    if (fs.existsSync(p)) return p;
  }
  return U.requireTool(
    'java',
    'install a Java 17 runtime (apt-get install openjdk-17-jre-headless) or set KAFKA_BROKERS to use an existing Kafka',
    env,
  );
}

function isProvisioned(cache) {
  return fs.existsSync(cache.kafka.marker) && fs.existsSync(cache.kafka.libs);
}

function requireMaven(env) {
  return U.requireTool('mvn', 'install Maven 3.6+ (apt-get install maven) or set KAFKA_BROKERS to use an existing Kafka', env);
}

/** Fail fast, before any download or start, when a needed tool is missing. */
function preflight(cache, env = process.env, { starting = true } = {}) {
  if (starting || !isProvisioned(cache)) javaPath(env);
  if (!isProvisioned(cache)) requireMaven(env);
}

function pomXml() {
  const dep = (d) =>
    `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Throwaway POM: only used to copy Kafka's runtime jars into one folder. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.callboard.stack</groupId>
  <artifactId>kafka-libs</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
${dep(V.KAFKA_ARTIFACT)}
${dep(V.SLF4J_BACKEND)}
  </dependencies>
</project>
`;
}

/** Download Kafka's jars into <cache>/kafka-<version>/libs (temp folder + rename + marker). */
async function provision(cache, env = process.env) {
  if (isProvisioned(cache)) return { cached: true, dir: cache.kafka.dir };
  const release = await U.acquireLock(cache.kafka.lock, { what: `the Kafka ${V.KAFKA_VERSION} download lock` });
  const t0 = Date.now();
  const base = path.basename(cache.kafka.dir);
  const tmp = path.join(cache.root, `${base}.tmp-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  try {
    if (isProvisioned(cache)) return { cached: true, dir: cache.kafka.dir };
    const java = javaPath(env);
    const mvn = requireMaven(env);
    U.sweepTempDirs(cache.root, base);
    fs.mkdirSync(tmp, { recursive: true });
    fs.mkdirSync(cache.logs, { recursive: true });
    fs.writeFileSync(cache.kafka.log, `Kafka ${V.KAFKA_VERSION} jars from Maven Central\n`);
    fs.writeFileSync(path.join(tmp, 'pom.xml'), pomXml());
    const libsTmp = path.join(tmp, 'libs');
    const res = await U.run(
      mvn,
      [
        '-B',
        '-q',
        '-Dstyle.color=never',
        `-Dmaven.repo.local=${cache.m2}`,
        '-f',
        path.join(tmp, 'pom.xml'),
        `${V.MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libsTmp}`,
      ],
      { cwd: tmp, env, timeoutMs: MVN_TIMEOUT_MS, logFile: cache.kafka.log },
    );
    if (res.code !== 0) {
      const why = res.timedOut ? `timed out after ${U.secs(MVN_TIMEOUT_MS)}` : `mvn exited ${res.code ?? res.signal}`;
      throw new U.StackError(
        `Kafka ${V.KAFKA_VERSION} jar download failed (${why}): ${U.pickErrorLine(res.tail)}; full output in ${U.rel(cache.kafka.log)}`,
      );
    }
    const jars = fs.existsSync(libsTmp) ? fs.readdirSync(libsTmp).filter((f) => f.endsWith('.jar')) : [];
    for (const want of [
      `${V.KAFKA_ARTIFACT.artifactId}-${V.KAFKA_VERSION}.jar`,
      `kafka-clients-${V.KAFKA_VERSION}.jar`,
      `${V.SLF4J_BACKEND.artifactId}-${V.SLF4J_BACKEND.version}.jar`,
    ]) {
      if (!jars.includes(want)) {
        throw new U.StackError(`Kafka jar download incomplete: ${want} missing; full output in ${U.rel(cache.kafka.log)}`);
      }
    }
    // Smoke test: the classpath loads and the storage tool runs.
    const smoke = await U.run(java, ['-cp', path.join(libsTmp, '*'), 'kafka.tools.StorageTool', 'random-uuid'], {
      env,
      timeoutMs: TOOL_TIMEOUT_MS,
      logFile: cache.kafka.log,
    });
    if (smoke.code !== 0 || !/^[A-Za-z0-9_-]{22}$/m.test(smoke.stdout)) {
      throw new U.StackError(
        `Kafka jars downloaded but kafka.tools.StorageTool does not run: ${U.pickErrorLine(smoke.tail)}; see ${U.rel(cache.kafka.log)}`,
      );
    }
    fs.writeFileSync(
      path.join(tmp, '.complete'),
      JSON.stringify({ kafka: V.KAFKA_VERSION, slf4j: V.SLF4J_BACKEND.version, jars: jars.length, at: new Date().toISOString() }, null, 2),
    );
    U.rmrf(cache.kafka.dir); // an incomplete leftover (no marker); we hold the lock
    fs.renameSync(tmp, cache.kafka.dir);
    return { cached: false, dir: cache.kafka.dir, ms: Date.now() - t0, jars: jars.length };
  } finally {
    U.rmrf(tmp);
    release();
  }
}

function log4jProperties() {
  return `# Generated by scripts/stack (Callboard local stack). Console output goes to kafka.log.
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
# "Kafka Server started" / shutdown lines (KRaft mode logs them from KafkaRaftServer).
log4j.logger.kafka.server.KafkaRaftServer=INFO
`;
}

function serverProperties(state, ports) {
  const host = '127.0.0.1';
  return `# Generated by scripts/stack for this profile; regenerated on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${host}:${ports.controller}
listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.controller}
advertised.listeners=PLAINTEXT://${host}:${ports.kafka}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${state.kafka.data}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=8388608
# GitHub sends deliveries of up to 25 MB; Callboard records each as one message.
message.max.bytes=33554432
replica.fetch.max.bytes=33554432
num.network.threads=2
num.io.threads=4
`;
}

const JVM_FLAGS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** Strings that must appear in the command line of a Kafka this profile started. */
function ownerNeedles(state) {
  return ['kafka.Kafka', state.kafka.props];
}

/**
 * Format storage if needed and start the broker detached (own process group).
 * Returns { pid, child } once the process is spawned (not yet ready).
 */
async function start({ cache, state, ports, fresh, env = process.env }) {
  const java = javaPath(env);
  if (fresh) U.rmrf(state.kafka.dir);
  fs.mkdirSync(state.kafka.data, { recursive: true });
  U.writeFileAtomic(state.kafka.log4j, log4jProperties());
  U.writeFileAtomic(state.kafka.props, serverProperties(state, ports));
  if (fs.existsSync(state.kafka.log)) fs.renameSync(state.kafka.log, `${state.kafka.log}.1`);

  const cp = path.join(cache.kafka.libs, '*');
  const toolArgs = (...a) => ['-Xmx256m', `-Dlog4j.configuration=file:${state.kafka.log4j}`, '-cp', cp, 'kafka.tools.StorageTool', ...a];

  // Cluster id: keep the one already in the data folder, else the saved one, else a new one.
  const meta = U.readText(path.join(state.kafka.data, 'meta.properties'));
  let clusterId = meta && (/^cluster\.id=(.+)$/m.exec(meta) || [])[1];
  clusterId = clusterId || (U.readText(state.kafka.clusterId) || '').trim();
  if (!clusterId) {
    const r = await U.run(java, toolArgs('random-uuid'), { cwd: state.kafka.dir, env, timeoutMs: TOOL_TIMEOUT_MS, logFile: state.kafka.log });
    const m = /^([A-Za-z0-9_-]{22})$/m.exec(r.stdout);
    if (r.code !== 0 || !m) {
      throw new U.StackError(`Kafka StorageTool random-uuid failed: ${U.pickErrorLine(r.tail)}; see ${U.rel(state.kafka.log)}`);
    }
    clusterId = m[1];
  }
  U.writeFileAtomic(state.kafka.clusterId, `${clusterId.trim()}\n`);
  // Already formatted (dev restart): skip the ~0.6 s JVM run; `--ignore-formatted` would no-op anyway.
  const formatted = meta && fs.existsSync(path.join(state.kafka.data, 'bootstrap.checkpoint'));
  const fmt = formatted
    ? { code: 0 }
    : await U.run(java, toolArgs('format', '-t', clusterId.trim(), '-c', state.kafka.props, '--ignore-formatted'), {
        cwd: state.kafka.dir,
        env,
        timeoutMs: TOOL_TIMEOUT_MS,
        logFile: state.kafka.log,
      });
  if (fmt.code !== 0) {
    throw new U.StackError(
      `Kafka storage format failed: ${U.pickErrorLine(fmt.tail)}; see ${U.rel(state.kafka.log)} (reset with: rm -rf ${U.rel(state.kafka.dir)})`,
    );
  }

  const out = fs.openSync(state.kafka.log, 'a');
  fs.writeSync(out, `\n=== kafka.Kafka starting ${new Date().toISOString()} (Kafka ${V.KAFKA_VERSION}) ===\n`);
  const child = spawn(
    java,
    [...JVM_FLAGS, `-Dlog4j.configuration=file:${state.kafka.log4j}`, '-cp', cp, 'kafka.Kafka', state.kafka.props],
    { cwd: state.kafka.dir, env, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => reject(new U.StackError(`could not start java: ${e.message}`)));
  });
  child.unref();
  return { pid: child.pid, child };
}

/** Real client call: kafkajs admin connect + listTopics. Throws on failure. */
async function check(brokers, { timeoutMs = 5000 } = {}) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'callboard-stack',
    brokers: brokers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    return await U.withTimeout(
      (async () => {
        await admin.connect();
        return admin.listTopics();
      })(),
      timeoutMs,
      `no answer from Kafka at ${brokers} within ${U.secs(timeoutMs)}`,
    );
  } finally {
    await U.withTimeout(admin.disconnect(), 2000).catch(() => {});
  }
}

module.exports = { name: 'kafka', isProvisioned, preflight, provision, start, check, ownerNeedles, javaPath };
