import { describe, expect, it } from 'vitest';
import { setprivArgs } from './coturn-process.js';

describe('setprivArgs', () => {
  it('switches user before setting the parent-death signal, then runs coturn', () => {
    const args = setprivArgs({
      user: { uid: 103, gid: 111 },
      lowPorts: false,
      command: ['turnserver', '-c', 'c'],
    });
    expect(args).toEqual([
      '--reuid=103',
      '--regid=111',
      '--clear-groups',
      '--pdeathsig',
      'SIGKILL',
      '--',
      'turnserver',
      '-c',
      'c',
    ]);
  });

  it('keeps only the capability to bind ports below 1024, and only when asked', () => {
    const args = setprivArgs({ user: { uid: 1, gid: 1 }, lowPorts: true, command: ['t'] });
    expect(args).toContain('--ambient-caps=+net_bind_service');
    expect(setprivArgs({ user: undefined, lowPorts: true, command: ['t'] })).toEqual([
      '--pdeathsig',
      'SIGKILL',
      '--',
      't',
    ]);
  });
});
