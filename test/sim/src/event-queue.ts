/** A min-heap of timed events; equal times leave in insertion order, so runs are deterministic. */
export class EventQueue<T> {
  readonly #times: number[] = [];
  readonly #orders: number[] = [];
  readonly #items: T[] = [];
  #counter = 0;

  get size(): number {
    return this.#items.length;
  }

  push(timeMs: number, item: T): void {
    this.#times.push(timeMs);
    this.#orders.push(this.#counter++);
    this.#items.push(item);
    this.#up(this.#items.length - 1);
  }

  peekTime(): number {
    return this.#items.length === 0 ? Infinity : this.#times[0]!;
  }

  pop(): T | undefined {
    if (this.#items.length === 0) return undefined;
    const top = this.#items[0]!;
    const last = this.#items.length - 1;
    this.#swap(0, last);
    this.#times.pop();
    this.#orders.pop();
    this.#items.pop();
    this.#down(0);
    return top;
  }

  #less(a: number, b: number): boolean {
    const ta = this.#times[a]!;
    const tb = this.#times[b]!;
    return ta < tb || (ta === tb && this.#orders[a]! < this.#orders[b]!);
  }

  #swap(a: number, b: number): void {
    [this.#times[a], this.#times[b]] = [this.#times[b]!, this.#times[a]!];
    [this.#orders[a], this.#orders[b]] = [this.#orders[b]!, this.#orders[a]!];
    [this.#items[a], this.#items[b]] = [this.#items[b]!, this.#items[a]!];
  }

  #up(index: number): void {
    for (let at = index; at > 0; ) {
      const parent = (at - 1) >> 1;
      if (!this.#less(at, parent)) return;
      this.#swap(at, parent);
      at = parent;
    }
  }

  #down(index: number): void {
    const size = this.#items.length;
    for (let at = index; ; ) {
      const left = at * 2 + 1;
      const right = left + 1;
      let smallest = at;
      if (left < size && this.#less(left, smallest)) smallest = left;
      if (right < size && this.#less(right, smallest)) smallest = right;
      if (smallest === at) return;
      this.#swap(at, smallest);
      at = smallest;
    }
  }
}
