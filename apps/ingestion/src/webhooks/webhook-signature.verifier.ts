import { Inject, Injectable } from '@nestjs/common';
import { Webhooks } from '@octokit/webhooks';
import { APP_CONFIG } from '@callboard/config';
import type { IngestionConfig } from '../ingestion.config';

/** Checks X-Hub-Signature-256 (HMAC-SHA256 of the raw body) with @octokit/webhooks. */
@Injectable()
export class WebhookSignatureVerifier {
  private readonly webhooks: Webhooks;

  constructor(@Inject(APP_CONFIG) config: IngestionConfig) {
    this.webhooks = new Webhooks({ secret: config.GITHUB_WEBHOOK_SECRET });
  }

  async isValid(rawBody: string, signature: string): Promise<boolean> {
    if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) return false;
    try {
      return await this.webhooks.verify(rawBody, signature);
    } catch {
      return false;
    }
  }
}
