export {
  GitHubStandIn,
  ZERO_SHA,
  type CommitChange,
  type CommitResult,
  type GitHubStandInOptions,
  type OptionalEndpoint,
  type PusherIdentity,
  type RecordedRequest,
  type RepositoryOptions,
} from './github-stand-in';
export { blobSha, EMPTY_TREE_SHA } from './git-objects';
export { generateAppKeyPair, JWT_ERRORS, signAppJwt, verifyAppJwt, type AppKeyPair } from './app-jwt';
export {
  DEFAULT_INSTALLATION_TOKEN_LIFETIME_MS,
  type CreateAppOptions,
  type CreatedApp,
  type InstallationOptions,
  type InstallationToken,
  type Permissions,
} from './app-installations';
export { teamSlug, type OrgRole, type TeamOptions, type TeamPrivacy, type TeamRole, type UserProfile } from './org-directory';
export { sendWebhook, signWebhookBody, type SendWebhookOptions, type SendWebhookResult } from './webhook-sender';
export {
  addExampleRepository,
  defaultExampleOrgDir,
  exampleRepositoryFolders,
  loadExampleOrg,
  readExampleFolder,
  type LoadExampleOrgOptions,
} from './example-org';
export { ExampleOrgWatcher, type ExampleOrgChange, type ExampleOrgWatcherOptions } from './example-org-watcher';
export { pushExampleOrgChanges, type PushExampleOrgChangesOptions } from './example-org-pusher';
