import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { githubDeliveryKey, GithubDeliveryV1, githubDeliveryV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { topicName } from '@callboard/kafka';
import { jsonNestingExceeds } from '@callboard/observability';
import type { IngestionConfig } from '../ingestion.config';
import { DeliveryNotRecordedException } from './delivery-not-recorded.exception';
import { DeliveryRecorder } from './delivery-recorder';
import { ReceiveWebhookCommand } from './receive-webhook.command';
import { WebhookSignatureVerifier } from './webhook-signature.verifier';

/**
 * Deepest JSON a delivery may nest (objects and arrays). GitHub's payloads nest about ten
 * levels; what handles an accepted delivery (validation, Kafka's serialisation, the consumer)
 * recurses through it, and a few thousand levels overflow the stack.
 */
export const WEBHOOK_MAX_JSON_DEPTH = 128;

/**
 * The Retry-After of a 503: Kafka stalls (a leader election, a restart) last seconds. GitHub
 * itself does not retry; an operator's "Redeliver" or a script's does.
 */
export const WEBHOOK_RETRY_AFTER_SECONDS = 10;

export interface WebhookAccepted {
  deliveryId: string;
  event: string;
  status: 'accepted';
}

/**
 * Accepts a GitHub delivery: verifies its signature over the raw body, then records it in
 * Kafka (acks=all) before answering, so an accepted delivery survives any crash after 202.
 * Everything else happens asynchronously, from the recorded delivery.
 *
 * The record is waited for WEBHOOK_PUBLISH_TIMEOUT_MS at most: GitHub gives up on a delivery
 * after 10 s, and an answer it no longer reads helps nobody. The send is not withdrawn (a
 * producer cannot): a record that lands after the 503 is processed, and the redelivery that
 * the 503 asks for is then skipped by its delivery id (ProcessDeliveryOnceUseCase).
 */
@Injectable()
export class ReceiveWebhookUseCase {
  private readonly logger = new Logger(ReceiveWebhookUseCase.name);
  private readonly topic: string;
  private readonly publishTimeoutMs: number;

  constructor(
    private readonly verifier: WebhookSignatureVerifier,
    private readonly publisher: DeliveryRecorder,
    @Inject(APP_CONFIG) config: IngestionConfig,
  ) {
    this.topic = topicName(config, TOPICS.githubDeliveries);
    this.publishTimeoutMs = config.WEBHOOK_PUBLISH_TIMEOUT_MS;
  }

  async execute(command: ReceiveWebhookCommand): Promise<WebhookAccepted> {
    const { event, deliveryId } = command;
    if (!event) throw new BadRequestException('missing X-GitHub-Event header');
    if (!deliveryId) throw new BadRequestException('missing X-GitHub-Delivery header');
    if (!command.signature256) throw new UnauthorizedException('missing X-Hub-Signature-256 header');
    if (command.rawBody.length === 0) throw new BadRequestException('empty body');

    const rawBody = command.rawBody.toString('utf8');
    const signature = await this.verifier.check(rawBody, command.signature256);
    if (!signature.valid) {
      this.logger.warn({ msg: 'signature mismatch', deliveryId, event });
      throw new UnauthorizedException('X-Hub-Signature-256 does not match the payload');
    }
    // Tells an operator rotating the secret whether GitHub still signs with an older one.
    if (signature.secretIndex > 0) this.logger.log({ msg: 'delivery signed with an older webhook secret', deliveryId, secretIndex: signature.secretIndex });

    const payload = this.decodePayload(rawBody, command.contentType);
    const delivery: GithubDeliveryV1 = {
      schemaVersion: 1,
      deliveryId,
      event,
      hookId: command.hookId,
      receivedAt: new Date().toISOString(),
      payload,
    };
    const parsed = githubDeliveryV1Schema.safeParse(delivery);
    if (!parsed.success) throw new BadRequestException(`invalid delivery: ${parsed.error.issues[0]?.message}`);

    await this.record(deliveryId, event, githubDeliveryKey(payload, deliveryId), parsed.data);
    this.logger.log({ msg: 'delivery accepted', deliveryId, event });
    return { deliveryId, event, status: 'accepted' };
  }

  /** Resolves once Kafka acknowledged the record; throws DeliveryNotRecordedException when it failed or took too long. */
  private async record(deliveryId: string, event: string, key: string, delivery: GithubDeliveryV1): Promise<void> {
    const sent = this.publisher.publish(this.topic, githubDeliveryV1Schema, [{ key, value: delivery, headers: { 'x-github-delivery': deliveryId, 'x-github-event': event } }]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), this.publishTimeoutMs);
    });
    let outcome: 'recorded' | 'timed out';
    try {
      outcome = await Promise.race([sent.then(() => 'recorded' as const), timedOut]);
    } catch (err) {
      // Not recorded means not accepted: GitHub shows the failure and the delivery can be redelivered.
      this.logger.error({ msg: 'could not record delivery', deliveryId, err });
      throw new DeliveryNotRecordedException('delivery could not be recorded; retry later', WEBHOOK_RETRY_AFTER_SECONDS);
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'recorded') return;
    sent.then(
      () => this.logger.warn({ msg: 'delivery recorded after it was answered 503; a redelivery of it will be skipped as a duplicate', deliveryId, event }),
      (err: unknown) => this.logger.error({ msg: 'could not record delivery (answered 503 already)', deliveryId, err }),
    );
    this.logger.error({ msg: 'Kafka did not acknowledge the delivery in time', deliveryId, event, timeoutMs: this.publishTimeoutMs });
    throw new DeliveryNotRecordedException(`Kafka did not acknowledge the delivery within ${this.publishTimeoutMs} ms; retry later`, WEBHOOK_RETRY_AFTER_SECONDS);
  }

  private decodePayload(rawBody: string, contentType: string | undefined): Record<string, unknown> {
    const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
    let json: string;
    if (mediaType === 'application/json') {
      json = rawBody;
    } else if (mediaType === 'application/x-www-form-urlencoded') {
      // GitHub's "form" content type: the JSON is in the `payload` field.
      const field = new URLSearchParams(rawBody).get('payload');
      if (field === null) throw new BadRequestException('form-encoded delivery has no payload field');
      json = field;
    } else {
      throw new UnsupportedMediaTypeException('Content-Type must be application/json or application/x-www-form-urlencoded');
    }
    // Before parsing: JSON.parse takes any depth, but what runs on the value afterwards does not.
    if (jsonNestingExceeds(json, WEBHOOK_MAX_JSON_DEPTH)) throw new BadRequestException(`body nests JSON deeper than ${WEBHOOK_MAX_JSON_DEPTH} levels`);
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw new BadRequestException(`body is not valid JSON: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestException('body must be a JSON object');
    }
    return value as Record<string, unknown>;
  }
}
