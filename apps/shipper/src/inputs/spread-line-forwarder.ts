/**
 * Turns one Spread multicast into lines for the engine. The body holds one or several
 * LF-separated lines (mod_log_spread sends one line per message, newline included); they are
 * pushed once per distinct destination group, after the input's rewrite: with `group` set,
 * every destination becomes that group; with `vhost_buckets`, the engine hashes each line into
 * `<group>-<bucket>`. Private groups (`#…`) are point-to-point traffic between clients, not
 * log streams, and are never forwarded.
 */
import { type InputHandle, type InputRoute, type LineIngest, splitLines } from '@ringlog/shipper';
import { decodeMessage, isLegalGroupName, Limits } from '@ringlog/wire';

export interface SpreadMulticast {
  /** The sender's private group, `#user#daemon`. */
  readonly sender: string;
  readonly groups: readonly string[];
  /** The message as the daemon encoded it for receivers; its body holds the lines. */
  readonly frame: Buffer;
}

export interface SpreadRewrite {
  /** '' keeps the sender's groups; anything else replaces them. */
  readonly group: string;
  readonly vhostBuckets: number;
}

/**
 * Routes kept per group name: the engine caches bucket names per route object, so reusing
 * the object matters. Bounded, since senders choose the names.
 */
const ROUTES_MAX = 1_024;
const PRIVATE_PREFIX = 0x23; // '#'

/** True when `group` (and, with buckets, `<group>-<N-1>`) is a name a receiver can join. */
export function isRoutableGroup(group: string, vhostBuckets: number): boolean {
  const suffixLength = vhostBuckets === 0 ? 0 : 1 + String(vhostBuckets - 1).length;
  return isLegalGroupName(group) && group.length + suffixLength < Limits.GROUP_NAME_BYTES;
}

export class SpreadLineForwarder {
  readonly #ingest: LineIngest;
  readonly #input: InputHandle;
  readonly #rewrite: SpreadRewrite;
  readonly #onUnroutable: (sender: string, group: string) => void;
  readonly #routes = new Map<string, InputRoute>();
  /** Destinations of the message being forwarded; reused to avoid an allocation per message. */
  readonly #targets: string[] = [];

  constructor(ingest: LineIngest, input: InputHandle, rewrite: SpreadRewrite, onUnroutable: (sender: string, group: string) => void) {
    this.#ingest = ingest;
    this.#input = input;
    this.#rewrite = rewrite;
    this.#onUnroutable = onUnroutable;
  }

  /** Pushes the multicast's lines; true when the engine asks inputs to stop reading. */
  forward(multicast: SpreadMulticast): boolean {
    const targets = this.#destinations(multicast);
    if (targets.length === 0) return false;
    const lines = splitLines(decodeMessage(multicast.frame, true).data);
    if (lines.length === 0) return false;
    let paused = false;
    for (const group of targets) {
      if (this.#ingest.push(this.#input, lines, this.#route(group)).paused) paused = true;
    }
    return paused;
  }

  #destinations(multicast: SpreadMulticast): readonly string[] {
    const targets = this.#targets;
    targets.length = 0;
    const rewrite = this.#rewrite.group;
    for (const name of multicast.groups) {
      if (name.charCodeAt(0) === PRIVATE_PREFIX) continue;
      const group = rewrite === '' ? name : rewrite;
      if (targets.includes(group)) continue;
      // A rewrite target was checked once when the input was built.
      if (rewrite === '' && !isRoutableGroup(group, this.#rewrite.vhostBuckets)) {
        this.#onUnroutable(multicast.sender, group);
        continue;
      }
      targets.push(group);
    }
    return targets;
  }

  #route(group: string): InputRoute {
    let route = this.#routes.get(group);
    if (route !== undefined) return route;
    if (this.#routes.size >= ROUTES_MAX) this.#routes.clear();
    route = { group, vhostBuckets: this.#rewrite.vhostBuckets };
    this.#routes.set(group, route);
    return route;
  }
}
