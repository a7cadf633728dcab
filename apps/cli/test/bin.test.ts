import { spawn, spawnSync } from 'node:child_process';
import { startFakeDaemon } from '@ringlog/client/internal';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/ringlog.mjs', import.meta.url));

function ringlog(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: '', timeout: 20_000 });
}

describe('bin/ringlog.mjs', () => {
  it('bin - --help and <cmd> --help exit 0', () => {
    const top = ringlog('--help');
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('Usage: ringlog <command>');
    const flood = ringlog('flood', '--help');
    expect(flood.status).toBe(0);
    expect(flood.stdout).toContain('--window N');
  });

  it('bin - a usage error exits 2, a refused connect exits 1', () => {
    const bad = ringlog('flood', '--bogus');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Run 'ringlog flood --help' for usage.");
    const refused = ringlog('user', '-s', `unix:/tmp/ringlog-bin-missing-${process.pid}`);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('SP_error: (-2) Could not connect. Is Spread running?');
  });

  it('bin - user reads a piped script, prints like spuser and exits 0 at end of input', async () => {
    const fake = await startFakeDaemon();
    try {
      const child = spawn(process.execPath, [BIN, 'user', '-u', 'piped', '-s', fake.spreadName], { stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.stdin.write('j demo\n');
      const deadline = Date.now() + 15_000;
      while (!output.includes('Due to the JOIN of #piped#localhost') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      child.stdin.end('s demo\nvia a pipe\n');
      expect(await exited).toBe(0);
      expect(output).toContain('User: connected to ' + fake.spreadName + ' with private group #piped#localhost\n');
      expect(output).toContain('Received REGULAR membership for group demo with 1 members, where I am member 0:\n\t#piped#localhost\n');
      expect(output).toContain('User> enter message: \nUser> ');
      expect(output.endsWith('\nBye.\n')).toBe(true);
      expect(fake.requests.map((r) => r.request.kind)).toEqual(['join', 'multicast', 'kill']);
    } finally {
      await fake.close();
    }
  });
});
