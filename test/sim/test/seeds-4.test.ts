import { seedRange } from './run-seeds.ts';

seedRange(376);
