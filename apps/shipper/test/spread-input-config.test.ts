/**
 * The spread input's settings: `listen` Spread names turned into listeners, settings it
 * cannot use refused when it is built, and a listener that cannot bind reported by start().
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ShipperAppError, ShipperAppErrorCode, ShipperInputError } from '../src/errors.ts';
import { createSpreadInput } from '../src/inputs/spread-input.ts';
import { spreadInputListeners } from '../src/inputs/spread-listen-addresses.ts';
import { isRoutableGroup } from '../src/inputs/spread-line-forwarder.ts';
import { RecordingIngest } from './support/recording-ingest.ts';
import { silentContext, spreadConfig } from './support/spread-input-harness.ts';

function build(overrides: Parameters<typeof spreadConfig>[0]): ReturnType<typeof createSpreadInput> {
  return createSpreadInput(spreadConfig(overrides), silentContext(new RecordingIngest()));
}

function configError(run: () => unknown): ShipperAppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ShipperAppError);
    return error as ShipperAppError;
  }
  throw new Error('expected a ShipperAppError');
}

describe('spread input - listen', () => {
  it('listen - a bare port is TCP on loopback plus /tmp/<port>, TCP first', () => {
    expect(spreadInputListeners('4803')).toEqual([
      { kind: 'tcp', host: '127.0.0.1', port: 4803 },
      { kind: 'unix', path: '/tmp/4803' },
    ]);
  });

  it('listen - HOST:PORT, [IPv6]:PORT, tcp:, unix: and absolute paths', () => {
    expect(spreadInputListeners('0.0.0.0:4803')).toEqual([{ kind: 'tcp', host: '0.0.0.0', port: 4803 }]);
    expect(spreadInputListeners('[::1]:4804')).toEqual([{ kind: 'tcp', host: '::1', port: 4804 }]);
    expect(spreadInputListeners('tcp:10.0.0.1:4803')).toEqual([{ kind: 'tcp', host: '10.0.0.1', port: 4803 }]);
    expect(spreadInputListeners('unix:/run/ringlog/4803')).toEqual([{ kind: 'unix', path: '/run/ringlog/4803' }]);
    expect(spreadInputListeners('/run/ringlog/4803')).toEqual([{ kind: 'unix', path: '/run/ringlog/4803' }]);
  });

  it('listen - describe() names the configured listeners before start', () => {
    expect(build({ listen: '4803' }).describe()).toBe('spread tcp:127.0.0.1:4803, unix:/tmp/4803');
  });

  it('listen - names that are not Spread names are refused when the input is built', () => {
    for (const listen of ['', '0', '70000', 'localhost', 'unix:relative', 'tcp::4803', '4803@host']) {
      const error = configError(() => build({ name: 'legacy', listen }));
      expect(error.code).toBe(ShipperAppErrorCode.INPUT_CONFIG);
      expect(error.message).toContain('input legacy');
      expect(error.message).toContain(JSON.stringify(listen));
    }
  });
});

describe('spread input - settings', () => {
  it('settings - a rewrite group that no receiver could join is refused', () => {
    expect(configError(() => build({ group: 'bad group' })).code).toBe(ShipperAppErrorCode.INPUT_CONFIG);
    expect(configError(() => build({ group: 'g'.repeat(30), vhost_buckets: 10 })).code).toBe(ShipperAppErrorCode.INPUT_CONFIG);
    expect(() => build({ group: 'g'.repeat(29), vhost_buckets: 10 })).not.toThrow();
  });

  it('settings - routable groups: legal Spread names that still fit with their bucket suffix', () => {
    expect(isRoutableGroup('www', 0)).toBe(true);
    expect(isRoutableGroup('g'.repeat(31), 0)).toBe(true);
    expect(isRoutableGroup('g'.repeat(32), 0)).toBe(false);
    expect(isRoutableGroup('g'.repeat(29), 10)).toBe(true);
    expect(isRoutableGroup('g'.repeat(29), 11)).toBe(false);
    expect(isRoutableGroup('caf\u00e9', 0)).toBe(false);
    expect(isRoutableGroup('#private', 0)).toBe(false);
  });

  it('settings - the input registers with its name, type and default route', () => {
    const ingest = new RecordingIngest();
    const input = createSpreadInput(spreadConfig({ name: 'apache', group: 'weblogs', vhost_buckets: 4 }), silentContext(ingest));
    expect(input.handle).toBe(ingest.inputs.get('apache'));
    expect(input.handle).toMatchObject({ name: 'apache', type: 'spread', route: { group: 'weblogs', vhostBuckets: 4 } });
  });
});

describe('spread input - start', () => {
  it('start - a taken port fails start() with ShipperInputError naming the input and address', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const input = build({ name: 'legacy', listen: `127.0.0.1:${port}` });
      const error = await input.start().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ShipperInputError);
      expect((error as ShipperInputError).code).toBe(ShipperAppErrorCode.INPUT_START);
      expect((error as ShipperInputError).input).toBe('legacy');
      expect((error as Error).message).toContain(`tcp:127.0.0.1:${port}`);
      await input.close();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('start - close() before start() is a no-op, start() twice is a bug', async () => {
    const unstarted = build({});
    await unstarted.close();
    const input = build({});
    await input.start();
    await expect(input.start()).rejects.toThrow(/twice/);
    await input.close();
  });
});
