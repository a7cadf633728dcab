import { expect } from 'vitest';
import { ALICE_TRANSCRIPT, BOB_TRANSCRIPT } from './transcripts.ts';
import { UserDriver, normalizeTranscript } from './user-driver.ts';

/**
 * The capture's conn 1 scenario: bob joins demo, alice joins, alice sends "hello from
 * alice", bob answers "hi alice", alice leaves and quits, then bob quits. Both outputs must
 * match the upstream spuser transcript (blank lines, menu and group id numbers aside).
 */
export async function runDemoScenario(spread: string): Promise<void> {
  const bob = new UserDriver({ user: 'bob', spread, random: false });
  bob.type('j demo');
  await bob.waitFor('Due to the JOIN of #bob#localhost');
  const alice = new UserDriver({ user: 'alice', spread, random: false });
  await alice.waitFor('User> ');
  alice.type('j demo');
  await alice.waitFor('Due to the JOIN of #alice#localhost');
  await bob.waitFor('Due to the JOIN of #alice#localhost');
  alice.type('s demo', 'hello from alice');
  await alice.waitFor('(17 bytes): hello from alice');
  await bob.waitFor('(17 bytes): hello from alice');
  bob.type('s demo', 'hi alice');
  await alice.waitFor('(9 bytes): hi alice');
  await bob.waitFor('(9 bytes): hi alice');
  alice.type('l demo');
  await alice.waitFor('received membership message that left group demo');
  await bob.waitFor('Due to the LEAVE of #alice#localhost');
  alice.type('q');
  expect(await alice.done).toBe(0);
  bob.type('q');
  expect(await bob.done).toBe(0);
  expect(normalizeTranscript(alice.output)).toBe(normalizeTranscript(ALICE_TRANSCRIPT.replace('SPREAD', spread)));
  expect(normalizeTranscript(bob.output)).toBe(normalizeTranscript(BOB_TRANSCRIPT.replace('SPREAD', spread)));
}
