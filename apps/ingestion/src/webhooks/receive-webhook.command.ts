/** One HTTP delivery as it arrived, before anything about it is trusted. */
export class ReceiveWebhookCommand {
  constructor(
    readonly rawBody: Buffer,
    readonly contentType: string | undefined,
    readonly event: string | undefined,
    readonly deliveryId: string | undefined,
    readonly signature256: string | undefined,
    readonly hookId: string | undefined,
  ) {}
}
