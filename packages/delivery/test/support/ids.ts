/** Fixed node ids, so failures print the same bytes every run. */
import type { NodeId } from '../../src/index.ts';

export const SHIPPER_A: NodeId = '0123456789abcdef0123456789abcdef';
export const SHIPPER_B: NodeId = 'fedcba9876543210fedcba9876543210';
export const COLLECTOR: NodeId = 'c011ec7000000000000000000000c0de';

/** The id of the `index`-th of many shippers: distinct for every index below 2^32. */
export function shipperIdAt(index: number): NodeId {
  return `5417${index.toString(16).padStart(28, '0')}`;
}
