import { afterEach, describe, expect, it } from 'vitest';
import { ServiceType, encodeMembershipBody, encodeMessage, hintFromMessType } from '@ringlog/wire';
import { startFakeDaemon, type FakeDaemon } from '@ringlog/client/internal';
import { runDemoScenario } from './support/demo-scenario.ts';
import { UserDriver } from './support/user-driver.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function daemon(options: Parameters<typeof startFakeDaemon>[0] = {}): Promise<FakeDaemon> {
  const fake = await startFakeDaemon(options);
  cleanups.push(() => fake.close());
  return fake;
}

function user(spread: string, name: string, random = false): UserDriver {
  const driver = new UserDriver({ user: name, spread, random });
  cleanups.push(async () => {
    driver.stdin.end();
    await driver.done;
  });
  return driver;
}

describe('ringlog user', () => {
  it('user - alice and bob reproduce the spuser transcript', async () => {
    const fake = await daemon();
    await runDemoScenario(fake.spreadName);
  });

  it('user - prints the menu on start and on an unknown command', async () => {
    const fake = await daemon();
    const driver = user(fake.spreadName, 'menu');
    driver.type('x');
    await driver.waitFor('Unknown commnad');
    expect(driver.output).toContain('User: connected to ' + fake.spreadName + ' with private group #menu#localhost\n\n==========\nUser Menu:\n----------\n\n\tj <group> -- join a group\n');
    expect(driver.output.split('User Menu:').length - 1).toBe(2);
    expect(driver.output).toContain('\tq -- quit\n\nUser> ');
  });

  it('user - a duplicate name prints SP_error and exits non-zero', async () => {
    const fake = await daemon();
    const first = user(fake.spreadName, 'dup');
    await first.waitFor('User> ');
    const second = new UserDriver({ user: 'dup', spread: fake.spreadName, random: false });
    expect(await second.done).toBe(1);
    expect(second.output).toBe('Spread library version is 5.0.1\nSP_error: (-6) Connection rejected, name not unique.\n\nBye.\n');
  });

  it('user - no daemon and a bad spread name are SP_errors too', async () => {
    const missing = new UserDriver({ user: 'x', spread: `unix:/tmp/ringlog-missing-${process.pid}`, random: false });
    expect(await missing.done).toBe(1);
    expect(missing.output).toContain('SP_error: (-2) Could not connect. Is Spread running?\n');
    const illegal = new UserDriver({ user: 'x', spread: 'not a spread', random: false });
    expect(await illegal.done).toBe(1);
    expect(illegal.output).toContain('SP_error: (-1) Illegal spread was provided.\n');
  });

  it('user - -r connects with a daemon-invented name', async () => {
    const fake = await daemon();
    const driver = user(fake.spreadName, 'ignored', true);
    await driver.waitFor('User> ');
    expect(driver.output).toMatch(/with private group #r\d+-\d+#localhost\n/);
  });

  it('user - end of input says Bye and disconnects with KILL', async () => {
    const fake = await daemon();
    const driver = new UserDriver({ user: 'eof', spread: fake.spreadName, random: false });
    driver.stdin.end();
    expect(await driver.done).toBe(0);
    expect(driver.output.endsWith('User> \nBye.\n')).toBe(true);
    expect(fake.requests.at(-1)).toEqual({ from: '#eof#localhost', request: { kind: 'kill' } });
  });

  it('user - invalid group, illegal group and burst', async () => {
    const fake = await daemon();
    const driver = user(fake.spreadName, 'burst');
    driver.type('j');
    await driver.waitFor(' invalid group \n');
    driver.type('j bad\u0001name');
    await driver.waitFor('SP_error: (-14) Illegal group.\n');
    driver.type('j g', 'b g', '20');
    await driver.waitFor('sent message 10 (total 10)\n');
    expect(driver.output).toContain('enter size of each message: sending 10 messages of 20 bytes\nsent message 1 (total 1)\n');
    await driver.waitFor('received FIFO message from #burst#localhost, of type 2, (endian 0) to 1 groups \n(20 bytes): mess num 10 \n', 1);
    const bursts = fake.requests.filter((r) => r.request.kind === 'multicast');
    expect(bursts).toHaveLength(10);
  });

  it('user - d holds events, r reads one, p polls, e prints the rest', async () => {
    const fake = await daemon();
    const driver = user(fake.spreadName, 'poll');
    driver.type('d', 'j g');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(driver.output).not.toContain('Received REGULAR');
    driver.type('p');
    await driver.waitFor('Polling sais: ');
    expect(driver.output).toMatch(/Polling sais: [1-9]\d*\n/);
    driver.type('r');
    await driver.waitFor('Received REGULAR membership for group g with 1 members, where I am member 0:');
    driver.type('s g', 'one', 's g', 'two');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(driver.output).not.toContain('): one');
    driver.type('e');
    await driver.waitFor('(4 bytes): two\n');
    expect(driver.output.indexOf('): one')).toBeLessThan(driver.output.indexOf('): two'));
  });

  it('user - network membership, transition and a lost daemon', async () => {
    const fake = await daemon();
    const driver = new UserDriver({ user: 'net', spread: fake.spreadName, random: false });
    await driver.waitFor('User> ');
    const groupId = { procId: 0xc0a80103, time: 1158449838, index: 7 };
    fake.sendRaw('#net#localhost', encodeMessage({ type: ServiceType.TRANSITION, sender: 'g', groups: [], hint: hintFromMessType(0), data: encodeMembershipBody({ groupId, vsSets: [], localVsSetOffset: 0 }).subarray(0, 12) }));
    const vsSets = [['#w3#d3'], ['#net#localhost']];
    const data = encodeMembershipBody({ groupId, vsSets, localVsSetOffset: 36 });
    fake.sendRaw('#net#localhost', encodeMessage({ type: ServiceType.REG_MEMB | ServiceType.CAUSED_BY_NETWORK, sender: 'g', groups: ['#net#localhost', '#w3#d3'], hint: hintFromMessType(0), data }));
    await driver.waitFor('LOCAL VS set 1 has 1 members:\n\t#net#localhost\n');
    expect(driver.output).toContain('received TRANSITIONAL membership for group g\n');
    expect(driver.output).toContain(
      'Received REGULAR membership for group g with 2 members, where I am member 0:\n\t#net#localhost\n\t#w3#d3\ngrp id is -1062731517 1158449838 7\nDue to NETWORK change with 2 VS sets\nOTHER VS set 0 has 1 members:\n\t#w3#d3\nLOCAL VS set 1 has 1 members:\n\t#net#localhost\n',
    );
    fake.dropAll();
    expect(await driver.done).toBe(1);
    expect(driver.output.endsWith('\n============================\nSP_error: (-8) Connection closed by Spread.\n\n============================\n\nBye.\n')).toBe(true);
  });
});
