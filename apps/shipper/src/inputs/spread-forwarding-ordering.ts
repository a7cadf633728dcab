/**
 * The ordering layer of the spread input's embedded daemon. Joins, leaves and disconnects go
 * through a LocalOrdering, so senders see what a lone Spread daemon would show them (accept,
 * membership notices, self-leave). Multicasts do not: each is handed to `forward`, which turns
 * it into lines for the shipper's one upstream session, and is not delivered to local members.
 * Data is never echoed to local sessions: senders such as mod_log_spread never read their
 * mailbox, and a copy per local member would fill their queues until the daemon cut them off
 * as slow readers; members here would also see only this host's traffic, never the cluster's.
 *
 * Everything runs synchronously in submission order, so each sender's lines reach the engine
 * in the order it sent them.
 */
import { type ConfigurationView, type DeliverFn, LocalOrdering, type OrderedRequest, type OrderingLayer } from '@ringlog/daemon';

export type MulticastRequest = Extract<OrderedRequest, { kind: 'multicast' }>;

export class SpreadForwardingOrdering implements OrderingLayer {
  readonly #local: LocalOrdering;
  readonly #forward: (request: MulticastRequest) => void;

  constructor(daemonName: string, procId: number, nowMs: number, forward: (request: MulticastRequest) => void) {
    this.#local = new LocalOrdering(daemonName, procId, nowMs);
    this.#forward = forward;
  }

  get view(): ConfigurationView {
    return this.#local.view;
  }

  onDeliver(deliver: DeliverFn): void {
    this.#local.onDeliver(deliver);
  }

  submit(request: OrderedRequest): void {
    if (request.kind === 'multicast') {
      this.#forward(request);
      return;
    }
    this.#local.submit(request);
  }

  close(): void {
    this.#local.close();
  }
}
