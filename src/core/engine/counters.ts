// Whole-capture counters: packets, problems, totals, and the unknown bucket by protocol.
import type { DirectionTotals } from '../model.js';
import { History } from './history.js';
import { PROTO_TCP, PROTO_UDP } from '../packet.js';

export type UnknownProto = 'tcp' | 'udp' | 'other';

export class DirectionCounter {
  sentTotal = 0;
  receivedTotal = 0;
  sentInterval = 0;
  receivedInterval = 0;

  add(sent: number, received: number): void {
    this.sentTotal += sent;
    this.receivedTotal += received;
    this.sentInterval += sent;
    this.receivedInterval += received;
  }

  /** Report and reset the interval. */
  take(): DirectionTotals {
    const out = { sent: this.sentInterval, received: this.receivedInterval, sentTotal: this.sentTotal, receivedTotal: this.receivedTotal };
    this.sentInterval = 0;
    this.receivedInterval = 0;
    return out;
  }
}

export class Counters {
  packets = 0;
  malformed = 0;
  notIp = 0;
  duplicates = 0;
  forwardedBytes = 0;
  /** Every local byte, whatever process (the header's totals). */
  totalSent = 0;
  totalReceived = 0;
  totalSentReported = 0;
  totalReceivedReported = 0;
  /** Local bytes by captured interface (index as in the interface list), for the exporter. */
  ifSent = new Float64Array(0);
  ifReceived = new Float64Array(0);
  readonly sentHistory = new History();
  readonly receivedHistory = new History();
  readonly unknown: Record<UnknownProto, DirectionCounter> = {
    tcp: new DirectionCounter(),
    udp: new DirectionCounter(),
    other: new DirectionCounter(),
  };

  /** Bytes of NAT copies (nat-copies.ts): the same packets counted on the sockets' own flows. */
  readonly natCopies = new DirectionCounter();

  addUnknown(proto: number, sent: number, received: number): void {
    const k: UnknownProto = proto === PROTO_TCP ? 'tcp' : proto === PROTO_UDP ? 'udp' : 'other';
    this.unknown[k].add(sent, received);
  }
}
