/** Word lists the synthetic catalog draws its names, titles and descriptions from. */

/** Business areas: domain names, and the first word of many systems and components. */
export const BUSINESS_AREAS = [
  'payments', 'checkout', 'billing', 'invoicing', 'ledger', 'accounting', 'tax', 'fraud', 'risk', 'identity',
  'authentication', 'authorization', 'customer', 'crm', 'marketing', 'advertising', 'search', 'recommendations',
  'catalog', 'pricing', 'promotions', 'loyalty', 'inventory', 'warehouse', 'fulfillment', 'shipping', 'logistics',
  'returns', 'orders', 'cart', 'subscriptions', 'notifications', 'messaging', 'email', 'sms', 'support', 'helpdesk',
  'onboarding', 'kyc', 'compliance', 'audit', 'reporting', 'analytics', 'data', 'ml', 'experimentation', 'personalization',
  'media', 'content', 'cms', 'localization', 'translations', 'maps', 'geo', 'routing', 'dispatch', 'fleet', 'telematics',
  'scheduling', 'booking', 'reservations', 'travel', 'hotels', 'flights', 'insurance', 'claims', 'lending', 'treasury',
  'payroll', 'hr', 'recruiting', 'procurement', 'vendors', 'partners', 'marketplace', 'sellers', 'reviews', 'ratings',
  'social', 'chat', 'video', 'streaming', 'music', 'podcasts', 'gaming', 'rewards', 'wallet', 'cards', 'banking',
  'trading', 'pricing-engine', 'forecasting', 'supply-chain', 'manufacturing', 'quality', 'security', 'observability',
  'platform', 'developer-experience', 'infrastructure', 'networking', 'storage', 'compute', 'edge', 'cdn', 'mobile',
] as const;

/** Second words: what a system or component deals with. */
export const NOUNS = [
  'account', 'address', 'alert', 'allocation', 'approval', 'asset', 'attribution', 'balance', 'basket', 'batch',
  'beacon', 'bid', 'blob', 'budget', 'bundle', 'cache', 'campaign', 'capture', 'case', 'channel', 'charge', 'classifier',
  'collector', 'config', 'connector', 'consent', 'contract', 'conversion', 'coupon', 'credit', 'currency', 'dashboard',
  'device', 'discount', 'dispute', 'document', 'enrichment', 'entitlement', 'event', 'exchange', 'export', 'feature',
  'feed', 'fee', 'file', 'gateway', 'geocoder', 'graph', 'history', 'import', 'index', 'ingest', 'insight', 'intent',
  'invoice', 'job', 'journal', 'label', 'lead', 'limit', 'listing', 'locale', 'location', 'lookup', 'mandate', 'matcher',
  'member', 'metric', 'mutation', 'offer', 'order', 'parcel', 'partner', 'payout', 'permission', 'pipeline', 'plan',
  'policy', 'preference', 'price', 'profile', 'projection', 'proxy', 'quote', 'ranker', 'rate', 'receipt', 'reconciler',
  'refund', 'registry', 'reminder', 'renderer', 'replay', 'report', 'resolver', 'router', 'rule', 'scheduler', 'score',
  'segment', 'session', 'settlement', 'shipment', 'signal', 'slot', 'snapshot', 'statement', 'stock', 'store', 'stream',
  'sync', 'tariff', 'template', 'tenant', 'ticket', 'token', 'tracker', 'transfer', 'translator', 'trigger', 'upload',
  'usage', 'validator', 'vault', 'voucher', 'webhook', 'workflow', 'worker',
] as const;

export const COMPONENT_SUFFIX: Record<string, readonly string[]> = {
  service: ['service', 'api', 'svc', 'backend', 'server', 'engine', 'manager'],
  website: ['web', 'ui', 'frontend', 'portal', 'console', 'admin', 'site'],
  library: ['lib', 'sdk', 'client', 'utils', 'common', 'core', 'kit'],
  'data-pipeline': ['pipeline', 'etl', 'ingest', 'stream-processor'],
  'batch-job': ['job', 'cron', 'batch', 'sweeper'],
  'mobile-app': ['ios', 'android', 'app'],
  cli: ['cli', 'tool'],
};

export const RESOURCE_TYPES: Record<string, readonly string[]> = {
  database: ['db', 'postgres', 'mysql', 'aurora'],
  'kafka-topic': ['topic', 'events', 'stream'],
  's3-bucket': ['bucket', 'archive', 'assets'],
  cache: ['redis', 'memcached', 'cache'],
  queue: ['queue', 'sqs'],
  'search-index': ['es-index', 'opensearch'],
};

export const DEPARTMENTS = [
  'engineering', 'product', 'data', 'platform', 'security', 'infrastructure', 'finance-tech', 'commerce', 'growth',
  'operations', 'customer-experience', 'mobile', 'marketplace', 'logistics-tech', 'enterprise', 'research', 'design',
] as const;

export const TEAM_WORDS = [
  'alpha', 'apollo', 'atlas', 'aurora', 'avalanche', 'badger', 'beacon', 'bison', 'blizzard', 'bolt', 'breeze', 'cactus',
  'canyon', 'cardinal', 'cascade', 'cedar', 'comet', 'condor', 'coral', 'cosmos', 'coyote', 'crane', 'cypress', 'delta',
  'dolphin', 'dragonfly', 'eagle', 'echo', 'eclipse', 'ember', 'falcon', 'fjord', 'flamingo', 'fox', 'galaxy', 'gazelle',
  'geyser', 'glacier', 'granite', 'griffin', 'harbor', 'hawk', 'heron', 'horizon', 'hummingbird', 'iris', 'jaguar', 'jade',
  'kestrel', 'koala', 'lagoon', 'lynx', 'magnolia', 'mammoth', 'maple', 'meteor', 'mistral', 'monsoon', 'nebula', 'nimbus',
  'oasis', 'octopus', 'onyx', 'orca', 'orion', 'osprey', 'otter', 'panda', 'panther', 'pegasus', 'pelican', 'phoenix',
  'pine', 'polaris', 'prism', 'puffin', 'pulsar', 'quartz', 'quasar', 'raven', 'redwood', 'reef', 'rocket', 'sable',
  'saturn', 'sequoia', 'sierra', 'sparrow', 'sphinx', 'spruce', 'storm', 'summit', 'tangerine', 'tempest', 'thunder',
  'tiger', 'titan', 'topaz', 'tornado', 'tundra', 'typhoon', 'vega', 'velvet', 'viking', 'volcano', 'walrus', 'willow',
  'wolf', 'yeti', 'zebra', 'zenith', 'zephyr',
] as const;

export const FIRST_NAMES = [
  'james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william', 'barbara',
  'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'christopher', 'lisa', 'daniel', 'nancy',
  'matthew', 'betty', 'anthony', 'sandra', 'mark', 'margaret', 'donald', 'ashley', 'steven', 'kimberly', 'andrew', 'emily',
  'paul', 'donna', 'joshua', 'michelle', 'kenneth', 'carol', 'kevin', 'amanda', 'brian', 'melissa', 'george', 'deborah',
  'timothy', 'stephanie', 'ronald', 'rebecca', 'jason', 'sharon', 'edward', 'laura', 'jeffrey', 'cynthia', 'ryan', 'dorothy',
  'jacob', 'amy', 'gary', 'kathleen', 'nicholas', 'angela', 'eric', 'shirley', 'jonathan', 'emma', 'stephen', 'brenda',
  'larry', 'pamela', 'justin', 'nicole', 'scott', 'anna', 'brandon', 'samantha', 'benjamin', 'katherine', 'samuel',
  'christine', 'gregory', 'debra', 'alexander', 'rachel', 'patrick', 'carolyn', 'frank', 'janet', 'raymond', 'maria',
  'jack', 'olivia', 'dennis', 'heather', 'jerry', 'helen', 'tyler', 'catherine', 'aaron', 'diane', 'jose', 'julie', 'adam',
  'victoria', 'nathan', 'joyce', 'henry', 'lauren', 'zachary', 'kelly', 'douglas', 'christina', 'peter', 'ruth', 'kyle',
  'joan', 'noah', 'virginia', 'ethan', 'judith', 'jeremy', 'evelyn', 'walter', 'hannah', 'christian', 'andrea', 'keith',
  'megan', 'roger', 'cheryl', 'terry', 'jacqueline', 'austin', 'madison', 'sean', 'teresa', 'gerald', 'abigail', 'carl',
  'sophia', 'harold', 'martha', 'dylan', 'sara', 'arthur', 'gloria', 'lawrence', 'janice', 'jordan', 'kathryn', 'jesse',
  'ann', 'bryan', 'isabella', 'billy', 'judy', 'bruce', 'charlotte', 'gabriel', 'julia', 'joe', 'grace', 'logan', 'amber',
  'alan', 'alice', 'juan', 'jean', 'albert', 'denise', 'willie', 'frances', 'elijah', 'danielle', 'wayne', 'marilyn',
  'randy', 'natalie', 'vincent', 'beverly', 'mason', 'diana', 'roy', 'brittany', 'ralph', 'theresa', 'bobby', 'kayla',
  'russell', 'alexis', 'bradley', 'doris', 'philip', 'lori', 'eugene', 'tiffany', 'aisha', 'wei', 'priya', 'arjun',
  'mohammed', 'fatima', 'yuki', 'hiroshi', 'mei', 'chen', 'olga', 'ivan', 'sven', 'ingrid', 'lars', 'pierre', 'amelie',
  'giulia', 'marco', 'lucia', 'pablo', 'ana', 'joao', 'thiago', 'kwame', 'amara', 'chidi', 'ngozi', 'ravi', 'ananya',
] as const;

export const LAST_NAMES = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez',
  'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'perez', 'thompson',
  'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson', 'walker', 'young', 'allen', 'king', 'wright',
  'scott', 'torres', 'nguyen', 'hill', 'flores', 'green', 'adams', 'nelson', 'baker', 'hall', 'rivera', 'campbell',
  'mitchell', 'carter', 'roberts', 'gomez', 'phillips', 'evans', 'turner', 'diaz', 'parker', 'cruz', 'edwards', 'collins',
  'reyes', 'stewart', 'morris', 'morales', 'murphy', 'cook', 'rogers', 'gutierrez', 'ortiz', 'morgan', 'cooper', 'peterson',
  'bailey', 'reed', 'kelly', 'howard', 'ramos', 'kim', 'cox', 'ward', 'richardson', 'watson', 'brooks', 'chavez', 'wood',
  'james', 'bennett', 'gray', 'mendoza', 'ruiz', 'hughes', 'price', 'alvarez', 'castillo', 'sanders', 'patel', 'myers',
  'long', 'ross', 'foster', 'jimenez', 'powell', 'jenkins', 'perry', 'russell', 'sullivan', 'bell', 'coleman', 'butler',
  'henderson', 'barnes', 'gonzales', 'fisher', 'vasquez', 'simmons', 'romero', 'jordan', 'patterson', 'alexander',
  'hamilton', 'graham', 'reynolds', 'griffin', 'wallace', 'moreno', 'west', 'cole', 'hayes', 'bryant', 'herrera', 'gibson',
  'ellis', 'tran', 'medina', 'aguilar', 'stevens', 'murray', 'ford', 'castro', 'marshall', 'owens', 'harrison', 'fernandez',
  'mcdonald', 'woods', 'washington', 'kennedy', 'wells', 'vargas', 'henry', 'chen', 'freeman', 'webb', 'tucker', 'guzman',
  'burns', 'crawford', 'olson', 'simpson', 'porter', 'hunter', 'gordon', 'mendez', 'silva', 'shaw', 'snyder', 'mason',
  'dixon', 'munoz', 'hunt', 'hicks', 'holmes', 'palmer', 'wagner', 'black', 'robertson', 'boyd', 'rose', 'stone', 'salazar',
  'fox', 'warren', 'mills', 'meyer', 'rice', 'schmidt', 'garza', 'daniels', 'ferguson', 'nichols', 'stephens', 'soto',
  'weaver', 'ryan', 'gardner', 'payne', 'grant', 'dunn', 'kumar', 'singh', 'sharma', 'wang', 'zhang', 'liu', 'yamamoto',
  'tanaka', 'suzuki', 'muller', 'schneider', 'fischer', 'weber', 'dubois', 'moreau', 'rossi', 'russo', 'ferrari', 'santos',
  'oliveira', 'costa', 'novak', 'kowalski', 'nowak', 'ivanov', 'petrov', 'okafor', 'mensah', 'adeyemi', 'haddad', 'cohen',
] as const;

export const TAGS = [
  'java', 'kotlin', 'go', 'typescript', 'javascript', 'python', 'rust', 'scala', 'ruby', 'csharp', 'swift', 'php', 'elixir',
  'spring-boot', 'nodejs', 'react', 'nextjs', 'angular', 'vue', 'django', 'flask', 'fastapi', 'rails', 'grpc', 'graphql',
  'rest', 'kafka', 'postgres', 'mysql', 'redis', 'elasticsearch', 'mongodb', 'dynamodb', 'spark', 'flink', 'airflow',
  'kubernetes', 'terraform', 'aws', 'gcp', 'azure', 'lambda', 'pci', 'gdpr', 'sox', 'tier-1', 'tier-2', 'tier-3',
  'customer-facing', 'internal', 'legacy', 'critical', 'experimental', 'ml', 'batch', 'realtime', 'event-driven',
] as const;

export const LANGUAGE_TAGS = ['java', 'kotlin', 'go', 'typescript', 'python', 'rust', 'scala', 'ruby', 'csharp'] as const;

export const DESCRIPTION_VERBS = [
  'Handles', 'Manages', 'Computes', 'Serves', 'Stores', 'Validates', 'Publishes', 'Aggregates', 'Routes', 'Tracks',
  'Reconciles', 'Exposes', 'Indexes', 'Schedules', 'Synchronises', 'Renders', 'Enriches', 'Orchestrates',
] as const;

export const DESCRIPTION_TAILS = [
  'for web and mobile clients', 'across all regions', 'for internal teams', 'with strong consistency guarantees',
  'behind the public API gateway', 'for the partner integrations', 'in near real time', 'on a nightly schedule',
  'for finance and audit', 'for customer support tooling', 'with per-tenant isolation', 'for the storefront',
  'as the source of truth', 'with idempotent retries', 'for downstream analytics', 'using the shared event bus',
] as const;

export const REGIONS = ['emea', 'amer', 'apac', 'eu', 'us', 'latam', 'anz', 'nordics', 'dach', 'uk'] as const;

export const HTTP_VERBS = ['get', 'post', 'put', 'delete'] as const;
