/**
 * A small JSON file holding a list of node ids under one key (`{"collectors": [...]}`): what a
 * shipper remembers of its collectors and a collector of its peers. Written atomically; a file
 * that is missing, not JSON or of another shape reads as an empty list (it is relearned from
 * the ring), while a file that cannot be read at all is an error the caller reports.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.ts';
import { isNodeId, type NodeId } from './node-id.ts';

export function readIdList(file: string, key: string): NodeId[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const ids = (value as Record<string, unknown> | null)?.[key];
  return Array.isArray(ids) ? ids.filter((id): id is NodeId => typeof id === 'string' && isNodeId(id)) : [];
}

export function writeIdList(file: string, key: string, ids: Iterable<NodeId>, options: { fsync?: boolean } = {}): void {
  writeFileAtomic(file, `${JSON.stringify({ [key]: [...ids] })}\n`, options);
}
