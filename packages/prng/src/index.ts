export * from './mulberry32.ts';
