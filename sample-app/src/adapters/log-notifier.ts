import type { Logger } from '@aws-lambda-powertools/logger';
import type { CustomerNotification, Notifier } from '../notifications/ports.js';

/**
 * Notifier that writes each notification as a structured log line: the sample's stand-in for an email or
 * SMS adapter. Swap it in the composition root; the use case and its tests stay as they are.
 */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async send(notification: CustomerNotification): Promise<void> {
    this.logger.info('customer notified', { notification });
  }
}
