import { Controller, Headers, HttpCode, HttpStatus, Post, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { DeliveryNotRecordedFilter } from './delivery-not-recorded.exception';
import { ReceiveWebhookCommand } from './receive-webhook.command';
import { ReceiveWebhookUseCase, WebhookAccepted } from './receive-webhook.use-case';

export const GITHUB_WEBHOOK_PATH = '/webhooks/github';

@Controller()
@UseFilters(DeliveryNotRecordedFilter)
export class GithubWebhookController {
  constructor(private readonly receiveWebhook: ReceiveWebhookUseCase) {}

  @Post(GITHUB_WEBHOOK_PATH)
  @HttpCode(HttpStatus.ACCEPTED)
  receive(@Req() request: Request, @Headers() headers: Record<string, string | undefined>): Promise<WebhookAccepted> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    return this.receiveWebhook.execute(
      new ReceiveWebhookCommand(
        rawBody,
        headers['content-type'],
        headers['x-github-event'],
        headers['x-github-delivery'],
        headers['x-hub-signature-256'],
        headers['x-github-hook-id'],
      ),
    );
  }
}
