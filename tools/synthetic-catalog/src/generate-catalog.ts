import type { Entity } from '@backstage/catalog-model';
import { Random } from './random';
import {
  BUSINESS_AREAS,
  COMPONENT_SUFFIX,
  DEPARTMENTS,
  DESCRIPTION_TAILS,
  DESCRIPTION_VERBS,
  FIRST_NAMES,
  HTTP_VERBS,
  LANGUAGE_TAGS,
  LAST_NAMES,
  NOUNS,
  REGIONS,
  RESOURCE_TYPES,
  TAGS,
  TEAM_WORDS,
} from './vocabulary';

export type SyntheticKind = 'Domain' | 'System' | 'Group' | 'User' | 'Component' | 'API' | 'Resource';

export const KINDS: readonly SyntheticKind[] = ['Group', 'User', 'Domain', 'System', 'Resource', 'Component', 'API'];

/** One entity as a repository file declares it, and which file that is. */
export interface SyntheticEntity {
  /** Lowercased `kind:namespace/name`, the entity-event key. */
  ref: string;
  entity: Entity;
  /** `owner/name` of the GitHub repository holding the file. */
  repository: string;
  /** Path of the catalog file in that repository. */
  path: string;
}

export interface SyntheticCatalog {
  seed: string;
  org: string;
  counts: Record<SyntheticKind, number>;
  /** Ordered by repository file, entities of one file together (as ingestion would emit them). */
  entities: SyntheticEntity[];
}

export interface GenerateOptions {
  /** Total number of entities (default 100,000, at least 20). */
  entities?: number;
  /** Same seed and count, same catalog, byte for byte (default "callboard"). */
  seed?: string;
  /** GitHub organisation and e-mail domain stem (default "acme"). */
  org?: string;
}

export const DEFAULT_ENTITY_COUNT = 100_000;
export const DEFAULT_SEED = 'callboard';
const API_VERSION = 'backstage.io/v1alpha1';
const API_TYPE_TITLES: Record<string, string> = { openapi: 'OpenAPI', grpc: 'gRPC', asyncapi: 'AsyncAPI', graphql: 'GraphQL' };
const CATALOG_FILE = 'catalog-info.yaml';

/**
 * Shares of a large company's catalog: components and APIs the bulk (~63%), a quarter users,
 * a few percent groups, systems and resources, a handful of domains.
 */
export function countsFor(total: number): Record<SyntheticKind, number> {
  if (!Number.isInteger(total) || total < 20) throw new Error(`entities must be an integer >= 20 (got ${total})`);
  const share = (fraction: number, min: number) => Math.max(min, Math.round(total * fraction));
  const counts: Record<SyntheticKind, number> = {
    Domain: share(0.002, 1),
    System: share(0.025, 1),
    Group: share(0.03, 3),
    User: share(0.25, 1),
    Resource: share(0.06, 1),
    API: share(0.2, 1),
    Component: 0,
  };
  counts.Component = total - Object.values(counts).reduce((a, b) => a + b, 0);
  return counts;
}

/** Gives out names, appending -2, -3... (or 2, 3 for user names) on a clash; refs compare case-insensitively. */
class NameRegistry {
  private readonly used = new Set<string>();

  /**
   * A name from `make` (called again, a few times, while its result is taken, so most names
   * stay natural), else the last candidate with a number appended.
   */
  take(kind: string, make: string | (() => string), separator = '-'): string {
    const clean = (base: string) => base.slice(0, 56).replace(/[-_.]+$/, '');
    let trimmed = clean(typeof make === 'string' ? make : make());
    for (let attempt = 0; typeof make !== 'string' && attempt < 4 && this.used.has(`${kind}:${trimmed.toLowerCase()}`); attempt += 1) trimmed = clean(make());
    let name = trimmed;
    for (let n = 2; this.used.has(`${kind}:${name.toLowerCase()}`); n += 1) name = `${trimmed}${separator}${n}`;
    this.used.add(`${kind}:${name.toLowerCase()}`);
    return name;
  }
}

const titleCase = (name: string) =>
  name
    .split(/[-_.]/)
    .filter(Boolean)
    .map((word) => (word.length <= 3 && /^(api|ui|sdk|db|ml|etl|cli|svc|crm|kyc|cdn|hr|sms|ios)$/.test(word) ? word.toUpperCase() : word[0].toUpperCase() + word.slice(1)))
    .join(' ');

interface GroupInfo {
  name: string;
  type: 'organization' | 'department' | 'team';
  parent: string | null;
  depth: number;
  department: string;
  area: string;
  children: string[];
}

interface SystemInfo {
  name: string;
  domain: string;
  owner: string;
  area: string;
  resources: string[];
  components: string[];
}

interface ComponentInfo {
  name: string;
  type: string;
  system: SystemInfo;
  owner: string;
  lifecycle: string;
  entity: Entity;
  repository: string;
}

/**
 * Generates a deterministic catalog: a group hierarchy (organisation, departments, teams and
 * sub-teams), users in teams, domains owned by departments, systems in domains owned by teams,
 * resources, components (services, websites, libraries, ...) that depend on each other and on
 * resources, and the APIs they provide and consume. Every reference points at an entity of
 * the catalog.
 */
export function generateCatalog(options: GenerateOptions = {}): SyntheticCatalog {
  const total = options.entities ?? DEFAULT_ENTITY_COUNT;
  const seed = options.seed ?? DEFAULT_SEED;
  const org = options.org ?? 'acme';
  const counts = countsFor(total);
  const random = new Random(`${seed}/${total}`);
  const names = new NameRegistry();
  const files = new Map<string, SyntheticEntity[]>();
  const emailDomain = `${org}.example.com`;

  const add = (repository: string, entity: Entity) => {
    const ref = `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
    const key = `${repository}\u0000${CATALOG_FILE}`;
    if (!files.has(key)) files.set(key, []);
    files.get(key)!.push({ ref, entity, repository, path: CATALOG_FILE });
  };

  const description = (subject: string) =>
    `${random.pick(DESCRIPTION_VERBS)} ${subject} ${random.pick(DESCRIPTION_TAILS)}.`;
  const tags = (min: number, max: number, first?: string) => {
    const chosen = random.sample(TAGS, random.int(min, max));
    return [...new Set(first ? [first, ...chosen] : chosen)];
  };

  // --- Groups: one organisation, departments, teams and sub-teams. ---------------------------
  const groups: GroupInfo[] = [];
  const rootName = names.take('group', org);
  groups.push({ name: rootName, type: 'organization', parent: null, depth: 0, department: rootName, area: 'platform', children: [] });
  const departmentCount = Math.max(1, Math.min(counts.Group - 2, Math.round(counts.Group * 0.05)));
  for (let i = 0; i < departmentCount; i += 1) {
    const base = i < DEPARTMENTS.length ? DEPARTMENTS[i] : `${random.pick(DEPARTMENTS)}-${random.pick(REGIONS)}`;
    const name = names.take('group', base);
    groups.push({ name, type: 'department', parent: rootName, depth: 1, department: name, area: random.pick(BUSINESS_AREAS), children: [] });
    groups[0].children.push(name);
  }
  const departments = groups.slice(1);
  const teams: GroupInfo[] = [];
  const nestable: GroupInfo[] = [];
  while (groups.length < counts.Group) {
    const parent = nestable.length > 0 && random.chance(0.3) ? random.pick(nestable) : random.pick(departments);
    const area = parent.type === 'team' ? parent.area : random.pick(BUSINESS_AREAS);
    const name = names.take('group', () => `${area}-${random.pick(TEAM_WORDS)}`);
    const team: GroupInfo = { name, type: 'team', parent: parent.name, depth: parent.depth + 1, department: parent.department, area, children: [] };
    parent.children.push(name);
    groups.push(team);
    teams.push(team);
    if (team.depth < 4) nestable.push(team);
  }
  // Tiny catalogs may have no team: then departments own things.
  const owners = teams.length > 0 ? teams : departments;
  const nonRootGroups = groups.slice(1);

  // --- Users, each in one team (some in two). --------------------------------------------------
  const usersByDepartment = new Map<string, Entity[]>();
  for (let i = 0; i < counts.User; i += 1) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const name = names.take('user', `${first}.${last}`, '');
    const home = owners[random.skewedIndex(owners.length, 1.4)];
    const memberOf = [home.name];
    if (random.chance(0.12)) memberOf.push(random.pick(nonRootGroups).name);
    const entity: Entity = {
      apiVersion: API_VERSION,
      kind: 'User',
      metadata: {
        name,
        annotations: { 'github.com/user-login': `${first}${last[0]}${random.int(1, 999)}`, [`${emailDomain}/employee-id`]: `E${random.int(10000, 99999)}` },
      },
      spec: {
        profile: { displayName: `${titleCase(first)} ${titleCase(last)}`, email: `${name}@${emailDomain}` },
        memberOf: [...new Set(memberOf)],
      },
    };
    const list = usersByDepartment.get(home.department) ?? [];
    list.push(entity);
    usersByDepartment.set(home.department, list);
  }

  for (const group of groups) {
    const entity: Entity = {
      apiVersion: API_VERSION,
      kind: 'Group',
      metadata: {
        name: group.name,
        title: group.type === 'team' ? `Team ${titleCase(group.name)}` : titleCase(group.name),
        description: group.type === 'team' ? `The ${titleCase(group.area)} team ${titleCase(group.name.split('-').pop()!)}.` : `The ${titleCase(group.name)} ${group.type}.`,
        annotations: { 'github.com/team-slug': `${org}/${group.name}` },
      },
      spec: {
        type: group.type,
        profile: { displayName: titleCase(group.name), email: `${group.name}@${emailDomain}` },
        ...(group.parent ? { parent: group.parent } : {}),
        children: group.children,
      },
    };
    add(`${org}/org-${group.department}`, entity);
  }
  for (const [department, users] of usersByDepartment) for (const user of users) add(`${org}/org-${department}`, user);

  // --- Domains, owned by departments; some are sub-domains. ----------------------------------
  const domains: Array<{ name: string; area: string; owner: string }> = [];
  for (let i = 0; i < counts.Domain; i += 1) {
    const area = i < BUSINESS_AREAS.length ? BUSINESS_AREAS[i] : random.pick(BUSINESS_AREAS);
    const name = names.take('domain', i < BUSINESS_AREAS.length ? area : `${area}-${random.pick(REGIONS)}`);
    const owner = random.pick(departments.length > 0 ? departments : owners).name;
    domains.push({ name, area, owner });
  }
  const domainEntities = domains.map((domain, i): Entity => ({
    apiVersion: API_VERSION,
    kind: 'Domain',
    metadata: {
      name: domain.name,
      title: titleCase(domain.name),
      description: `Everything about ${domain.area.replace(/-/g, ' ')}: ${random.pick(DESCRIPTION_TAILS)}.`,
      tags: tags(0, 2),
    },
    spec: {
      owner: `group:${domain.owner}`,
      type: random.pick(['product-area', 'business-domain', 'platform']),
      ...(i >= 10 && random.chance(0.15) ? { subdomainOf: domains[random.int(0, Math.min(9, i - 1))].name } : {}),
    },
  }));

  // --- Systems, in domains, owned by teams. ----------------------------------------------------
  const systems: SystemInfo[] = [];
  for (let i = 0; i < counts.System; i += 1) {
    const domain = domains[random.skewedIndex(domains.length, 1.5)];
    const name = names.take('system', () => `${domain.area}-${random.pick(NOUNS)}`);
    systems.push({ name, domain: domain.name, owner: random.pick(owners).name, area: domain.area, resources: [], components: [] });
  }
  const systemsByDomain = new Map<string, Entity[]>();
  for (const system of systems) {
    const entity: Entity = {
      apiVersion: API_VERSION,
      kind: 'System',
      metadata: {
        name: system.name,
        title: titleCase(system.name),
        description: description(`${system.name.replace(/-/g, ' ')} capabilities`),
        tags: tags(0, 2),
        annotations: { 'backstage.io/techdocs-ref': `url:https://github.com/${org}/${system.name}-docs/tree/main` },
      },
      spec: { owner: system.owner, domain: system.domain, ...(random.chance(0.5) ? { type: random.pick(['product', 'platform', 'internal']) } : {}) },
    };
    const list = systemsByDomain.get(system.domain) ?? [];
    list.push(entity);
    systemsByDomain.set(system.domain, list);
  }
  domains.forEach((domain, i) => {
    const repository = `${org}/architecture-${domain.name}`;
    add(repository, domainEntities[i]);
    for (const system of systemsByDomain.get(domain.name) ?? []) add(repository, system);
  });

  // --- Resources, in systems. ------------------------------------------------------------------
  const resourceTypeWeights = { database: 35, 'kafka-topic': 25, 's3-bucket': 15, cache: 12, queue: 8, 'search-index': 5 };
  const allResources: string[] = [];
  for (let i = 0; i < counts.Resource; i += 1) {
    const system = systems[random.skewedIndex(systems.length, 1.6)];
    const type = random.weighted(resourceTypeWeights);
    const name = names.take('resource', () => `${system.name}-${random.chance(0.5) ? `${random.pick(NOUNS)}-` : ''}${random.pick(RESOURCE_TYPES[type])}`);
    const dependsOn = allResources.length > 0 && random.chance(0.1) ? [`resource:${random.pick(allResources)}`] : [];
    system.resources.push(name);
    allResources.push(name);
    add(`${org}/${system.name}-infra`, {
      apiVersion: API_VERSION,
      kind: 'Resource',
      metadata: {
        name,
        title: titleCase(name),
        description: `${titleCase(type.replace(/-/g, ' '))} of ${titleCase(system.name)}.`,
        tags: tags(0, 2),
        labels: { [`${org}.com/environment`]: random.pick(['production', 'staging']), [`${org}.com/data-classification`]: random.pick(['public', 'internal', 'confidential', 'restricted']) },
        annotations: { [`${org}.com/cloud-account`]: `aws-${random.int(100000, 999999)}`, 'backstage.io/view-url': `https://console.${emailDomain}/resources/${name}` },
      },
      spec: { type, owner: `group:default/${system.owner}`, system: system.name, ...(dependsOn.length > 0 ? { dependsOn } : {}) },
    });
  }

  // --- Components, in systems, depending on components and resources. --------------------------
  const componentTypeWeights = { service: 48, library: 24, website: 14, 'data-pipeline': 5, 'batch-job': 5, 'mobile-app': 2, cli: 2 };
  const lifecycleWeights = { production: 62, experimental: 15, deprecated: 10, development: 8, beta: 5 };
  const components: ComponentInfo[] = [];
  for (let i = 0; i < counts.Component; i += 1) {
    const system = systems[random.skewedIndex(systems.length, 1.8)];
    const type = random.weighted(componentTypeWeights);
    const owner = random.chance(0.85) ? system.owner : random.pick(owners).name;
    const name = names.take('component', () => `${random.chance(0.4) ? system.name : `${system.area}-${random.pick(NOUNS)}`}-${random.pick(COMPONENT_SUFFIX[type])}`);
    const lifecycle = random.weighted(lifecycleWeights);
    const repository = `${org}/${name}`;
    const language = random.pick(LANGUAGE_TAGS);

    const dependsOn = new Set<string>();
    const siblings = system.components;
    for (let d = random.int(0, 3); d > 0 && components.length > 0; d -= 1) {
      const target = siblings.length > 0 && random.chance(0.6) ? random.pick(siblings) : components[random.int(0, components.length - 1)].name;
      dependsOn.add(`component:${target}`);
    }
    if (type === 'service' || type === 'data-pipeline' || type === 'batch-job') {
      const pool = system.resources.length > 0 ? system.resources : allResources;
      for (const resource of random.sample(pool, random.int(0, 2))) dependsOn.add(`resource:default/${resource}`);
    }
    const subcomponentOf = siblings.length > 0 && random.chance(0.03) ? random.pick(siblings) : undefined;

    const annotations: Record<string, string> = { 'github.com/project-slug': repository };
    if (random.chance(0.6)) annotations['backstage.io/techdocs-ref'] = 'dir:.';
    if (type === 'service' || type === 'website') annotations['backstage.io/kubernetes-id'] = name;
    if (type === 'service' && lifecycle === 'production') annotations['pagerduty.com/service-id'] = `P${random.string('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 6)}`;
    if (random.chance(0.4)) annotations['sonarqube.org/project-key'] = `${org}_${name}`;
    if (type === 'website') annotations['lighthouse.com/website-url'] = `https://${name}.${emailDomain}`;
    if (random.chance(0.3)) annotations['jenkins.io/job-full-name'] = `${system.name}/${name}`;
    if (random.chance(0.25)) annotations['grafana/dashboard-selector'] = `tags @> '${name}'`;

    const entity: Entity = {
      apiVersion: API_VERSION,
      kind: 'Component',
      metadata: {
        name,
        title: titleCase(name),
        description: description(`${random.pick(NOUNS)} and ${random.pick(NOUNS)} data for ${titleCase(system.area)}`),
        tags: tags(0, 3, language),
        labels: { [`${org}.com/tier`]: random.pick(['tier-1', 'tier-2', 'tier-3']), [`${org}.com/cost-center`]: `cc-${random.int(1000, 9999)}` },
        annotations,
        ...(type === 'service' && random.chance(0.5)
          ? {
              links: [
                { url: `https://grafana.${emailDomain}/d/${name}`, title: 'Dashboard', icon: 'dashboard' },
                { url: `https://runbooks.${emailDomain}/${name}`, title: 'Runbook', icon: 'docs' },
              ],
            }
          : {}),
      },
      spec: {
        type,
        lifecycle,
        owner,
        system: system.name,
        ...(subcomponentOf ? { subcomponentOf } : {}),
        ...(dependsOn.size > 0 ? { dependsOn: [...dependsOn] } : {}),
      },
    };
    system.components.push(name);
    components.push({ name, type, system, owner, lifecycle, entity, repository });
  }

  // --- APIs, provided by (mostly) services and consumed by components. -------------------------
  const apiTypeWeights = { openapi: 55, grpc: 25, asyncapi: 15, graphql: 5 };
  const providers = components.filter((c) => c.type === 'service');
  const providerPool = providers.length > 0 ? providers : components;
  const apisByRepository = new Map<string, Entity[]>();
  for (let i = 0; i < counts.API; i += 1) {
    const provider = providerPool[random.skewedIndex(providerPool.length, 1.2)];
    const type = random.weighted(apiTypeWeights);
    const base = provider.name.replace(/-(service|api|svc|backend|server|engine|manager)$/, '');
    let resource: string = random.pick(NOUNS);
    const name = names.take('api', () => {
      resource = random.pick(NOUNS);
      return random.chance(0.5) ? `${base}-api` : `${base}-${resource}-${type === 'asyncapi' ? 'events' : 'api'}`;
    });
    const spec = provider.entity.spec as Record<string, unknown>;
    spec.providesApis = [...((spec.providesApis as string[] | undefined) ?? []), name];
    for (let c = random.int(0, 4); c > 0; c -= 1) {
      const consumer = components[random.int(0, components.length - 1)];
      if (consumer === provider) continue;
      const consumerSpec = consumer.entity.spec as Record<string, unknown>;
      const consumes = new Set((consumerSpec.consumesApis as string[] | undefined) ?? []);
      consumes.add(`api:${name}`);
      consumerSpec.consumesApis = [...consumes];
    }
    const entity: Entity = {
      apiVersion: API_VERSION,
      kind: 'API',
      metadata: {
        name,
        title: `${titleCase(name)}`,
        description: `${API_TYPE_TITLES[type]} interface of ${titleCase(provider.name)}: ${resource} operations.`,
        tags: tags(0, 2, type === 'grpc' ? 'grpc' : type === 'graphql' ? 'graphql' : type === 'asyncapi' ? 'event-driven' : 'rest'),
        annotations: { 'github.com/project-slug': provider.repository, 'backstage.io/techdocs-ref': 'dir:.' },
      },
      spec: {
        type,
        lifecycle: random.chance(0.9) ? provider.lifecycle : random.pick(['experimental', 'deprecated']),
        owner: `group:${provider.owner}`,
        system: provider.system.name,
        definition: apiDefinition(random, type, name, resource, org),
      },
    };
    const list = apisByRepository.get(provider.repository) ?? [];
    list.push(entity);
    apisByRepository.set(provider.repository, list);
  }
  for (const component of components) {
    add(component.repository, component.entity);
    for (const api of apisByRepository.get(component.repository) ?? []) add(component.repository, api);
  }

  return { seed, org, counts, entities: [...files.values()].flat() };
}

function apiDefinition(random: Random, type: string, name: string, resource: string, org: string): string {
  const title = titleCase(name);
  const Resource = resource[0].toUpperCase() + resource.slice(1);
  switch (type) {
    case 'grpc':
      return [
        'syntax = "proto3";',
        `package ${org}.${name.replace(/[^a-z0-9]+/g, '_')}.v1;`,
        `service ${Resource}Service {`,
        `  rpc Get${Resource} (Get${Resource}Request) returns (${Resource});`,
        `  rpc List${Resource}s (List${Resource}sRequest) returns (List${Resource}sResponse);`,
        '}',
        `message Get${Resource}Request { string id = 1; }`,
        `message ${Resource} { string id = 1; string name = 2; int64 updated_at = 3; }`,
        '',
      ].join('\n');
    case 'asyncapi':
      return [
        'asyncapi: 2.6.0',
        `info: { title: ${title}, version: 1.${random.int(0, 9)}.0 }`,
        'channels:',
        `  ${org}.${resource}.changed.v1:`,
        '    subscribe:',
        `      message: { name: ${Resource}Changed, payload: { type: object, properties: { id: { type: string } } } }`,
        '',
      ].join('\n');
    case 'graphql':
      return [`type ${Resource} { id: ID! name: String! }`, `type Query { ${resource}(id: ID!): ${Resource} ${resource}s(first: Int): [${Resource}!]! }`, ''].join('\n');
    default: {
      const verb = random.pick(HTTP_VERBS);
      return [
        'openapi: 3.0.3',
        `info: { title: ${title}, version: 1.${random.int(0, 9)}.${random.int(0, 9)} }`,
        'paths:',
        `  /${resource}s/{id}:`,
        `    ${verb}:`,
        `      operationId: ${verb}${Resource}`,
        '      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]',
        "      responses: { '200': { description: OK } }",
        '',
      ].join('\n');
    }
  }
}
