import { sendWebhook, SendWebhookResult } from '@callboard/github-stand-in';

/** Sends signed deliveries to an ingestion service; each must be accepted (202). */
export function webhookDeliverer(ingestionUrl: () => string, secret: string) {
  return async (event: string, payload: unknown): Promise<SendWebhookResult> => {
    const response = await sendWebhook({ url: `${ingestionUrl()}/webhooks/github`, secret, event, payload });
    if (response.status !== 202) throw new Error(`ingestion answered ${response.status} to a ${event} delivery: ${response.body}`);
    return response;
  };
}
