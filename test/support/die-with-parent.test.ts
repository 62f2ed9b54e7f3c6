import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { dieWithParent } from './server.js';

/** Whether a pid runs (a zombie, dead but not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('dieWithParent', () => {
  it('a command spawned behind it gets the signal when the process that spawned it is killed', async () => {
    // parent: spawns the child behind the prefix, prints the child's pid, then waits to be killed.
    const child = `process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`;
    const parent = `
      const { spawn } = require('node:child_process');
      const c = spawn(${JSON.stringify(dieWithParent('SIGTERM')[0])}, ${JSON.stringify([...dieWithParent('SIGTERM').slice(1), process.execPath, '-e', child])}, { stdio: 'ignore' });
      console.log(c.pid);
      setInterval(() => {}, 1000);`;
    const p = spawn(process.execPath, ['-e', parent], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      createInterface({ input: p.stdout! }).once('line', (line) => resolve(Number(line)));
      p.once('exit', (code) => reject(new Error(`parent exited with ${code}`)));
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(running(pid)).toBe(true);
      p.kill('SIGKILL');
      const deadline = Date.now() + 5_000;
      while (running(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(running(pid)).toBe(false);
    } finally {
      p.kill('SIGKILL');
      if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
