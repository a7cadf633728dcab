import { describe, expect, it } from 'vitest';
import { defineConfigSchema, validateConfigValue, validateYamlDocument } from '../src/index.ts';
import { problemsOf, summaries } from './helpers.ts';

interface ShipperConfig {
  endpoints: string[];
  batch_max_bytes: number;
}

const SHIPPER = defineConfigSchema<ShipperConfig>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['endpoints'],
    properties: {
      endpoints: { type: 'array', minItems: 1, items: { type: 'string', ringlogCheck: 'endpoint' } },
      batch_max_bytes: { type: 'integer', minimum: 1, default: 65536 }, // bytes
    },
  },
  { endpoint: (value) => (typeof value === 'string' && !value.includes(':') ? 'must be HOST:PORT' : undefined) },
);

describe('validate yaml document - reusable for other apps', () => {
  it('validate yaml document - another schema gets defaults, checks and located problems', () => {
    const config = validateYamlDocument('endpoints: [a:1]\n', 'shipper.yaml', SHIPPER);
    expect(config).toEqual({ endpoints: ['a:1'], batch_max_bytes: 65536 });
    expect(Object.isFrozen(config.endpoints)).toBe(true);
    expect(summaries(problemsOf(() => validateYamlDocument('endpoints:\n  - a:1\n  - nope\nbatch_max_bytes: 0\nx: 1\n', 'shipper.yaml', SHIPPER)))).toEqual([
      '3:endpoints[1]: must be HOST:PORT',
      '4:batch_max_bytes: must be >= 1 (got 0)',
      '5:x: unknown key',
    ]);
  });

  it('validate yaml document - a problem in an aliased value points at the anchor', () => {
    const problems = problemsOf(() => validateYamlDocument('base: &b [bad]\nendpoints: *b\n', 'shipper.yaml', SHIPPER));
    expect(summaries(problems)).toEqual(['1:base: unknown key', '1:endpoints[0]: must be HOST:PORT']);
  });

  it('validate yaml document - validateConfigValue works on plain values too', () => {
    const result = validateConfigValue({ endpoints: ['x'] }, SHIPPER);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([{ path: ['endpoints', 0], atKey: false, message: 'must be HOST:PORT' }]);
  });
});
