/**
 * The invariants checked after every run (the recorder checks duplicates, integrity and SAFE
 * as deliveries happen):
 * - agreed order: within a configuration, every member's deliveries are a prefix of one sequence;
 * - virtual synchrony: members that move together from a configuration to the next delivered
 *   the same set in it (its regular and transitional parts);
 * - FIFO: each receiver gets a sender's messages in the order they were sent, whatever their service;
 * - self delivery: a daemon that did not crash delivers its own messages, and its client gets
 *   them unless it asked for SELF_DISCARD;
 * - completion: at the end, all live daemons delivered the same messages in the final ring.
 */
import type { Recorder } from './recorder.ts';

export function checkAgreedOrder(recorder: Recorder): void {
  const byConfig = new Map<string, Map<string, string[]>>();
  for (const record of recorder.incarnations.values()) {
    for (const delivery of record.deliveries) {
      let members = byConfig.get(delivery.config);
      if (members === undefined) byConfig.set(delivery.config, (members = new Map()));
      let sequence = members.get(record.key);
      if (sequence === undefined) members.set(record.key, (sequence = []));
      sequence.push(delivery.id);
    }
  }
  for (const [config, members] of byConfig) {
    const sequences = [...members.entries()].sort((a, b) => b[1].length - a[1].length);
    const [longestKey, longest] = sequences[0]!;
    for (const [key, sequence] of sequences.slice(1)) {
      const at = sequence.findIndex((id, index) => longest[index] !== id);
      if (at >= 0) {
        recorder.violation(`order differs in ${config}: ${key} delivered ${sequence[at]} at position ${at}, ${longestKey} delivered ${longest[at]}`);
        return;
      }
    }
  }
}

export function checkVirtualSynchrony(recorder: Recorder): void {
  for (const [transitional, { oldConfig, members }] of recorder.transitions) {
    let reference: { key: string; ids: string } | null = null;
    for (const key of members) {
      const record = recorder.incarnations.get(key)!;
      const ids = record.deliveries
        .filter((delivery) => delivery.config === oldConfig || delivery.config === transitional)
        .map((delivery) => delivery.id)
        .sort()
        .join(',');
      if (reference === null) reference = { key, ids };
      else if (reference.ids !== ids) {
        recorder.violation(`virtual synchrony: ${key} and ${reference.key} moved together through ${transitional} but delivered different sets in ${oldConfig}`);
        return;
      }
    }
  }
}

export function checkFifo(recorder: Recorder): void {
  for (const record of recorder.incarnations.values()) {
    const last = new Map<string, number>();
    for (const { id } of record.deliveries) {
      const sent = recorder.sent.get(id)!;
      const previous = last.get(sent.sender) ?? 0;
      if (sent.counter <= previous) {
        recorder.violation(`FIFO: ${record.key} delivered ${id} after message ${previous} of ${sent.sender}`);
        return;
      }
      last.set(sent.sender, sent.counter);
    }
  }
}

/** `live`: the incarnations alive at the end (they never crashed). */
export function checkSelfDelivery(recorder: Recorder, live: ReadonlySet<string>): void {
  for (const sent of recorder.sent.values()) {
    if (!live.has(sent.sender)) continue;
    const record = recorder.incarnations.get(sent.sender)!;
    if (!record.delivered.has(sent.id)) {
      recorder.violation(`self delivery: ${sent.sender} never delivered its own ${sent.id}`);
      return;
    }
    if (record.clientReceived.has(sent.id) === sent.selfDiscard) {
      recorder.violation(`self delivery: ${sent.sender}'s client ${sent.selfDiscard ? 'got its SELF_DISCARD' : 'missed its own'} message ${sent.id}`);
      return;
    }
  }
}

export function checkFinalRing(recorder: Recorder, live: readonly string[], finalConfig: string): void {
  let reference: { key: string; ids: string } | null = null;
  for (const key of live) {
    const record = recorder.incarnations.get(key)!;
    if (record.config !== finalConfig) {
      recorder.violation(`${key} ended in ${record.config}, not the final ring ${finalConfig}`);
      return;
    }
    const ids = record.deliveries.filter((delivery) => delivery.config === finalConfig).map((delivery) => delivery.id).join(',');
    if (reference === null) reference = { key, ids };
    else if (reference.ids !== ids) {
      recorder.violation(`final ring: ${key} and ${reference.key} delivered different messages in ${finalConfig}`);
      return;
    }
  }
}
