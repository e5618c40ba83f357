import type { CustomerNotification, Notifier } from '../notifications/ports.js';

/** Notifier that keeps what it was asked to send, for tests. */
export class InMemoryNotifier implements Notifier {
  readonly sent: CustomerNotification[] = [];

  async send(notification: CustomerNotification): Promise<void> {
    this.sent.push(notification);
  }
}
