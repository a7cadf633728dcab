/**
 * The persistent identity of a shipper or collector: 16 random bytes, kept as 32 hex digits in a
 * file of its state directory. The id lives and dies with the state next to it: a shipper whose
 * spool is wiped starts its offsets at 0 again, so it must be a new shipper to collectors, and a
 * collector that lost its written-to offsets must be a new collector to shippers.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BadIdFileError } from './errors.ts';
import { writeFileAtomic } from './atomic-file.ts';

export const NODE_ID_BYTES = 16;
/** 32 lowercase hex digits. */
export type NodeId = string;

const ID_PATTERN = /^[0-9a-f]{32}$/;

export function newNodeId(): NodeId {
  return randomBytes(NODE_ID_BYTES).toString('hex');
}

export function isNodeId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Reads the id in `file`, or creates the file with a new id (and its directory) when absent. */
export function loadOrCreateNodeId(file: string): { id: NodeId; created: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const id = newNodeId();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${id}\n`);
    return { id, created: true };
  }
  const id = text.trim();
  if (!isNodeId(id)) throw new BadIdFileError(file, 'does not hold an id of 32 hexadecimal digits');
  return { id, created: false };
}
