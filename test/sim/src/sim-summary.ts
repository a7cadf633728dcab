import type { SeedResult } from './run-seed.ts';

/** Progress bar while seeds run, and the figures afterwards. */
export class SimSummary {
  readonly #total: number;
  readonly #stream: NodeJS.WriteStream;
  readonly #startedAt = Date.now();
  readonly #healMs: number[] = [];
  #done = 0;
  failed = 0;
  #events = 0;
  #messages = 0;
  #deliveries = 0;
  #virtualMs = 0;
  #lastDrawAt = 0;
  readonly #failedSeeds: number[] = [];

  constructor(total: number, stream: NodeJS.WriteStream) {
    this.#total = total;
    this.#stream = stream;
  }

  add(result: SeedResult): void {
    this.#done += 1;
    this.#events += result.events;
    this.#messages += result.messages;
    this.#deliveries += result.deliveries;
    this.#virtualMs += result.virtualMs;
    if (result.healToRingMs !== null) this.#healMs.push(result.healToRingMs);
    if (!result.ok) {
      this.failed += 1;
      this.#failedSeeds.push(result.seed);
    }
    if (!this.#stream.isTTY) {
      // Not a terminal: a line per tenth, never skipped by the redraw throttle.
      if (this.#done % Math.max(1, Math.floor(this.#total / 10)) === 0 || this.#done === this.#total) this.#stream.write(`${this.#bar()}\n`);
    } else if (Date.now() - this.#lastDrawAt > 200 || this.#done === this.#total) this.#draw();
  }

  clearLine(): void {
    if (this.#stream.isTTY) this.#stream.write('\r\u001b[2K');
  }

  finish(): void {
    if (this.#stream.isTTY) this.#stream.write('\n');
  }

  #draw(): void {
    this.#lastDrawAt = Date.now();
    this.#stream.write(`\r\u001b[2K${this.#bar()}`);
  }

  #bar(): string {
    const width = 30;
    const filled = Math.round((this.#done / this.#total) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.#total} seeds, ${this.failed} failed, ${this.#elapsedSeconds().toFixed(0)} s`;
  }

  #elapsedSeconds(): number {
    return (Date.now() - this.#startedAt) / 1000;
  }

  text(): string {
    const heal = [...this.#healMs].sort((a, b) => a - b);
    const quantile = (q: number): string => (heal.length === 0 ? '-' : `${heal[Math.min(heal.length - 1, Math.floor(q * heal.length))]!.toFixed(0)} ms`);
    const seconds = this.#elapsedSeconds();
    return [
      `seeds: ${this.#done}, passed: ${this.#done - this.failed}, failed: ${this.failed}${this.#failedSeeds.length > 0 ? ` (${this.#failedSeeds.slice(0, 20).join(', ')}${this.#failedSeeds.length > 20 ? ', …' : ''})` : ''}`,
      `wall time: ${seconds.toFixed(1)} s (${((seconds * 1000) / Math.max(1, this.#done)).toFixed(1)} ms per seed); virtual time: ${(this.#virtualMs / 1000).toFixed(0)} s`,
      `events: ${this.#events}, messages sent: ${this.#messages}, deliveries: ${this.#deliveries}`,
      `heal to one ring: median ${quantile(0.5)}, p99 ${quantile(0.99)}, max ${quantile(1)}`,
    ].join('\n');
  }
}
