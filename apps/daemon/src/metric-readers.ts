/**
 * Prometheus metrics read from our own plain counters at scrape time. Services keep cheap
 * counters on their hot paths; prom-client asks for them through `collect`, so a scrape costs
 * one snapshot and counting costs nothing extra.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

type LabelledFill = (set: (labels: Record<string, string>, value: number) => void) => void;

/** A counter reset then set to our running total at each scrape. */
export function readCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

export function readGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** A labelled counter: `fill` sets every label combination's running total. */
export function readLabelledCounter(registry: Registry, name: string, help: string, labelNames: string[], fill: LabelledFill): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, value) => this.inc(labels, value));
    },
  });
}

export function readLabelledGauge(registry: Registry, name: string, help: string, labelNames: string[], fill: LabelledFill): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, value) => this.set(labels, value));
    },
  });
}
