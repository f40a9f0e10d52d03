'use strict';
// The ports `npm run dev` gives its services, from the environment, checked before anything
// long starts (no dependencies: it runs before node_modules exists). A wrong value stops the
// command with one line naming the variable.

const SERVICE_PORTS = {
  ingestion: { variable: 'CALLBOARD_INGESTION_PORT', fallback: 7001 },
  catalog: { variable: 'CALLBOARD_CATALOG_PORT', fallback: 7002 },
  query: { variable: 'CALLBOARD_QUERY_PORT', fallback: 7007 },
  standIn: { variable: 'CALLBOARD_GITHUB_STAND_IN_PORT', fallback: 7010 },
};

class DevConfigError extends Error {}

function parsePort(env, variable, fallback) {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const text = String(raw).trim();
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new DevConfigError(`${variable} must be an integer from 1 to 65535 (got "${raw}")`);
  }
  return port;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {Record<string, {port: number, variable: string}>} [taken] ports already given out (the engines'), by what holds them
 * @returns {{ ports: { ingestion: number, catalog: number, query: number, standIn: number }, variables: Record<string, string> }}
 */
function devConfig(env, taken = {}) {
  const ports = {};
  const variables = {};
  const seen = new Map(Object.values(taken).map(({ port, variable }) => [port, variable]));
  for (const [service, { variable, fallback }] of Object.entries(SERVICE_PORTS)) {
    const port = parsePort(env, variable, fallback);
    if (seen.has(port)) throw new DevConfigError(`${seen.get(port)} and ${variable} are both ${port}: each port must differ`);
    seen.set(port, variable);
    ports[service] = port;
    variables[service] = variable;
  }
  return { ports, variables };
}

module.exports = { devConfig, DevConfigError, SERVICE_PORTS };
