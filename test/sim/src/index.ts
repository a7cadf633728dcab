export { runSeed, replayCommand, type SeedResult } from './run-seed.ts';
export { scenarioFromSeed, type Scenario } from './scenario.ts';
