import { signWebhookBody } from '@callboard/github-stand-in';
import type { IngestionConfig } from '../ingestion.config';
import { WebhookSignatureVerifier } from './webhook-signature.verifier';

describe('WebhookSignatureVerifier', () => {
  const body = JSON.stringify({ zen: 'Favor focus over features.' });
  const verifier = new WebhookSignatureVerifier({ webhookSecrets: ['new-secret', 'old-secret'] } as IngestionConfig);

  it('accepts a body signed with any configured secret and says which', async () => {
    expect(await verifier.check(body, signWebhookBody('new-secret', body))).toEqual({ valid: true, secretIndex: 0 });
    expect(await verifier.check(body, signWebhookBody('old-secret', body))).toEqual({ valid: true, secretIndex: 1 });
  });

  it('refuses an unknown secret, a changed body and a malformed signature', async () => {
    expect(await verifier.check(body, signWebhookBody('unknown', body))).toEqual({ valid: false });
    expect(await verifier.check(`${body} `, signWebhookBody('new-secret', body))).toEqual({ valid: false });
    expect(await verifier.check(body, 'sha1=abc')).toEqual({ valid: false });
  });
});
