export * from './mulberry32.ts';
export * from './test-prng.ts';
