/**
 * What the writers generated and what became of each line: `accepted` when its request got a
 * 200 (the shipper has it in its spool, so it must reach every collector exactly once),
 * `uncertain` when the request failed in any other way (the shipper may or may not have spooled
 * it: it may appear at most once), `pending` while its request is in flight.
 */

export const LineFate = { PENDING: 'pending', ACCEPTED: 'accepted', UNCERTAIN: 'uncertain' } as const;
export type LineFate = (typeof LineFate)[keyof typeof LineFate];

export interface LedgerEntry {
  readonly text: string;
  readonly vhost: string;
  fate: LineFate;
}

export class LineLedger {
  readonly #entries = new Map<string, LedgerEntry>();

  /** Records a generated line before its request is sent. */
  add(id: string, vhost: string, text: string): void {
    if (this.#entries.has(id)) throw new Error(`Bug: line ${id} generated twice`);
    this.#entries.set(id, { text, vhost, fate: LineFate.PENDING });
  }

  settle(ids: readonly string[], fate: typeof LineFate.ACCEPTED | typeof LineFate.UNCERTAIN): void {
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry === undefined || entry.fate !== LineFate.PENDING) throw new Error(`Bug: line ${id} settled twice or never added`);
      entry.fate = fate;
    }
  }

  get(id: string): LedgerEntry | undefined {
    return this.#entries.get(id);
  }

  /** Ids of the lines with this fate. */
  idsWith(fate: LineFate): string[] {
    const ids: string[] = [];
    for (const [id, entry] of this.#entries) if (entry.fate === fate) ids.push(id);
    return ids;
  }

  count(fate: LineFate): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.fate === fate) count += 1;
    return count;
  }

  get size(): number {
    return this.#entries.size;
  }
}
