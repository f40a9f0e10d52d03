import { Inject, Injectable } from '@nestjs/common';
import { Webhooks } from '@octokit/webhooks';
import { APP_CONFIG } from '@callboard/config';
import type { IngestionConfig } from '../ingestion.config';

export type SignatureCheck = { valid: true; secretIndex: number } | { valid: false };

/**
 * Checks X-Hub-Signature-256 (HMAC-SHA256 of the raw body) with @octokit/webhooks against
 * every accepted secret, so a secret can be rotated without refusing deliveries signed with
 * the other one in between.
 */
@Injectable()
export class WebhookSignatureVerifier {
  private readonly verifiers: Webhooks[];

  constructor(@Inject(APP_CONFIG) config: IngestionConfig) {
    this.verifiers = config.webhookSecrets.map((secret) => new Webhooks({ secret }));
  }

  /** Which secret (index in the configured order: GITHUB_WEBHOOK_SECRET first) signed the body, if any. */
  async check(rawBody: string, signature: string): Promise<SignatureCheck> {
    if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) return { valid: false };
    // All of them, not the first match only: the time taken does not tell which secret matched.
    const results = await Promise.all(this.verifiers.map((webhooks) => webhooks.verify(rawBody, signature).catch(() => false)));
    const secretIndex = results.indexOf(true);
    return secretIndex === -1 ? { valid: false } : { valid: true, secretIndex };
  }
}
