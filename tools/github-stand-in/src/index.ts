export {
  GitHubStandIn,
  ZERO_SHA,
  type CommitChange,
  type CommitResult,
  type GitHubStandInOptions,
  type PusherIdentity,
  type RecordedRequest,
  type RepositoryOptions,
} from './github-stand-in';
export { blobSha, EMPTY_TREE_SHA } from './git-objects';
export { sendWebhook, signWebhookBody, type SendWebhookOptions, type SendWebhookResult } from './webhook-sender';
export { defaultExampleOrgDir, loadExampleOrg, type LoadExampleOrgOptions } from './example-org';
