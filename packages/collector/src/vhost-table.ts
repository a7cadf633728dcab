/**
 * The vhost table of one split log: maps the raw first token of a line to the output target
 * its line goes to. Classification and path resolution run once per distinct token (and again
 * only when the time part of the path template rolls over), so the per-line cost is one Map
 * lookup. Unsafe names, names past `max_vhosts`, and paths that would leave the root all go
 * to the catch-all target, counted by reason.
 */
import type { SplitSection } from '@ringlog/config';
import { classifyVhost, normalizeVhost, resolveUnderRoot, type PathTemplate } from '@ringlog/vhost-files';
import type { OutputTarget } from '@ringlog/vhost-files';
import { vhostBucket, type CatchAllReason, type LogCounters } from './log-counters.ts';

export interface VhostEntry {
  readonly target: OutputTarget;
  /** -1 for the catch-all: its lines are counted by reason, not by bucket. */
  readonly bucket: number;
  /** Whether the token is removed from written lines (never for the catch-all: operators want to see it). */
  readonly strip: boolean;
  readonly reason: CatchAllReason | null;
}

export interface VhostTableOptions {
  readonly log: string;
  readonly split: SplitSection;
  readonly template: PathTemplate;
  readonly catchAllTemplate: PathTemplate;
  readonly counters: LogCounters;
  /** The output target of an absolute path under `split.root`. */
  readonly targetFor: (absolutePath: string) => OutputTarget;
}

/**
 * Tokens remembered at most; past it the memo is cleared and rebuilt from use. Case variants of
 * one name are distinct tokens, so this bounds what a hostile sender can make us remember.
 */
const TOKENS_REMEMBERED_MAX = 200_000;

/** Linux NAME_MAX: the longest file name, in bytes. */
const FILE_NAME_BYTES_MAX = 255;

function hasOverlongComponent(relative: string): boolean {
  return relative.split('/').some((component) => Buffer.byteLength(component) > FILE_NAME_BYTES_MAX);
}

export class VhostTable {
  readonly #options: VhostTableOptions;
  /** raw token (+ group when the template uses it) → entry, valid for the current time key. */
  readonly #entries = new Map<string, VhostEntry>();
  /** Normalized names that own a file; the cap counts these. */
  readonly #vhosts = new Set<string>();
  /** `${reason}\0${group}` → catch-all entry, valid for the current time key. */
  readonly #catchAllEntries = new Map<string, VhostEntry>();
  readonly #keyedByGroup: boolean;
  #timeKey = '';
  #date = new Date(0);

  constructor(options: VhostTableOptions) {
    this.#options = options;
    this.#keyedByGroup = options.template.usesGroup;
  }

  /** Called once per message: re-resolves paths when the template's time part has rolled over. */
  startBatch(date: Date): void {
    this.#date = date;
    const key = this.#options.template.timeKey(date) + '\u0000' + this.#options.catchAllTemplate.timeKey(date);
    if (key === this.#timeKey) return;
    this.#timeKey = key;
    this.#entries.clear();
    this.#catchAllEntries.clear();
  }

  lookup(token: string, group: string): VhostEntry {
    const key = this.#keyedByGroup ? `${group}\u0000${token}` : token;
    const known = this.#entries.get(key);
    if (known !== undefined) return known;
    if (this.#entries.size >= TOKENS_REMEMBERED_MAX) this.#entries.clear();
    const entry = this.#resolve(token, group);
    this.#entries.set(key, entry);
    return entry;
  }

  /** The catch-all entry for a line with no vhost field at all. */
  catchAll(group: string, reason: CatchAllReason): VhostEntry {
    return this.#catchAllEntry(group, reason);
  }

  #resolve(token: string, group: string): VhostEntry {
    const { split, counters } = this.#options;
    const reason = classifyVhost(token, split.vhost_max_length);
    if (reason !== undefined) return this.#catchAllEntry(group, reason);
    const name = normalizeVhost(token);
    if (!this.#vhosts.has(name)) {
      if (this.#vhosts.size >= split.max_vhosts) return this.#catchAllEntry(group, 'over_cap');
      this.#vhosts.add(name);
      counters.vhosts = this.#vhosts.size;
    }
    const relative = this.#options.template.render({ vhost: name, group, log: this.#options.log }, this.#date);
    const path = resolveUnderRoot(split.root, relative);
    if (path === undefined) return this.#catchAllEntry(group, 'outside_root');
    // A name the file system refuses (ENAMETOOLONG) would fail for ever and hold back the
    // collector's commits (docs/delivery.md): such a vhost goes to the catch-all at once.
    if (hasOverlongComponent(relative)) return this.#catchAllEntry(group, 'too_long');
    return { target: this.#options.targetFor(path), bucket: vhostBucket(name), strip: split.strip_vhost, reason: null };
  }

  #catchAllEntry(group: string, reason: CatchAllReason): VhostEntry {
    const key = `${reason}\u0000${group}`;
    let entry = this.#catchAllEntries.get(key);
    if (entry === undefined) {
      entry = this.#newCatchAllEntry(group, reason);
      this.#catchAllEntries.set(key, entry);
    }
    return entry;
  }

  #newCatchAllEntry(group: string, reason: CatchAllReason): VhostEntry {
    const relative = this.#options.catchAllTemplate.render({ vhost: '', group, log: this.#options.log }, this.#date);
    const path = resolveUnderRoot(this.#options.split.root, relative);
    // The config check keeps catch_all inside the root; a path outside it here is a bug.
    if (path === undefined) throw new Error(`catch-all path ${JSON.stringify(relative)} resolves outside ${this.#options.split.root}`);
    return { target: this.#options.targetFor(path), bucket: -1, strip: false, reason };
  }
}
