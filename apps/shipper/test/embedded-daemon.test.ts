/** `shipper.daemon: embedded`: ringlogd inside the shipper's process; receivers connect to it. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { ShipperTracker, groupReceiver, range, sequencesByWriter, shipperDrained, shipperReady, writeShipperYaml, writeUnixLines } from './support/shipper-fixture.ts';

const tracker = new ShipperTracker();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await tracker.killAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('shipper process - embedded daemon', () => {
  it('embedded - one process runs ringlogd and the shipper; a receiver on its socket gets every line; SIGTERM stops both', async () => {
    const temp = await makeTempDir();
    cleanups.push(temp.remove);
    const socket = join(temp.dir, 'embedded.sock');
    const daemonYaml = join(temp.dir, 'ringlogd.yaml');
    await writeFile(daemonYaml, `daemon:\n  name: web1\n  listen: ["unix:${socket}"]\n`);
    const config = await writeShipperYaml(temp.dir, {
      endpoint: 'embedded',
      stateDir: join(temp.dir, 'state'),
      inputs: [`{ type: unix, path: ${JSON.stringify(join(temp.dir, 'in.sock'))}, group: www }`],
      shipperKeys: [`embedded_config: ${JSON.stringify(daemonYaml)}`],
    });
    const shipper = tracker.shipper(['-c', config]);
    const { adminUrl } = await shipperReady(shipper);
    const rx = await groupReceiver(`unix:${socket}`);
    cleanups.push(() => rx.session.disconnect());
    await writeUnixLines(join(temp.dir, 'in.sock'), 4, 0, 250);
    await waitUntil(() => rx.lines.length >= 1000, 'lines received', () => shipper.describe());
    await shipperDrained(adminUrl, shipper);
    const byWriter = sequencesByWriter(rx.lines);
    for (let writer = 0; writer < 4; writer++) expect(byWriter.get(writer)).toEqual(range(0, 250));
    shipper.child.kill('SIGTERM');
    expect(await shipper.exit()).toEqual({ code: 0, signal: null });
  });
});
