import { describe, expect, it } from 'vitest';
import { addressChange, NODES, natPlan, routerAddress, runIdOf, SERVER_IP } from './nat-plan.js';

const TURN_PORT = 3478;

describe('natPlan', () => {
  it('names every namespace after the run, so two runs never share one', () => {
    const a = natPlan({ runId: 101, turnPort: TURN_PORT });
    const b = natPlan({ runId: 102, turnPort: TURN_PORT });
    const namesA = NODES.map((n) => a.namespaces[n]);
    const namesB = NODES.map((n) => b.namespaces[n]);
    expect(new Set(namesA).size).toBe(NODES.length);
    for (const name of namesA) expect(namesB).not.toContain(name);
    for (const name of namesA) expect(runIdOf(name)).toBe(101);
    expect(runIdOf('netns-of-someone-else')).toBeUndefined();
    expect(runIdOf('bdnat12-printer')).toBeUndefined();
  });

  it('creates every namespace before any link that goes into it', () => {
    const plan = natPlan({ runId: 7, turnPort: TURN_PORT });
    const created = new Set<string>();
    for (const argv of plan.build) {
      if (argv[1] === 'netns' && argv[2] === 'add') created.add(argv[3]!);
      const used = argv.flatMap((word, i) =>
        word === '-n' || word === 'netns' || word === 'exec' ? [argv[i + 1]!] : [],
      );
      for (const name of used.filter((n) => n !== 'add' && n !== 'exec'))
        expect(created, argv.join(' ')).toContain(name);
    }
    expect(created.size).toBe(NODES.length);
  });

  it('drops UDP to the server on each router except the TURN port, and masquerades', () => {
    const plan = natPlan({ runId: 7, turnPort: 3479 });
    for (const router of ['nat1', 'nat2'] as const) {
      const rules = plan.build.filter(
        (argv) => argv.includes(plan.namespaces[router]) && argv.includes('iptables'),
      );
      const drop = rules.find((argv) => argv.includes('FORWARD'))!;
      expect(drop.slice(drop.indexOf('iptables'))).toEqual([
        'iptables',
        '-A',
        'FORWARD',
        '-i',
        'lan',
        '-p',
        'udp',
        '-d',
        SERVER_IP,
        '!',
        '--dport',
        '3479',
        '-j',
        'DROP',
      ]);
      expect(rules.some((argv) => argv.includes('MASQUERADE'))).toBe(true);
    }
  });

  it('refuses a TURN port outside 1-65535', () => {
    expect(() => natPlan({ runId: 1, turnPort: 0 })).toThrow(RangeError);
    expect(() => natPlan({ runId: 1, turnPort: 70000 })).toThrow(RangeError);
  });
});

describe('routerAddress', () => {
  it('never gives an address twice, across changes and routers, and never the server address', () => {
    const seen = new Set<string>([SERVER_IP]);
    for (let change = 0; change < 50; change++) {
      for (const router of ['nat1', 'nat2'] as const) {
        const address = routerAddress(router, change);
        expect(seen.has(address), `${router} change ${change}: ${address}`).toBe(false);
        seen.add(address);
      }
    }
    expect(routerAddress('nat1', 0)).toBe('198.51.100.11');
    expect(routerAddress('nat2', 0)).toBe('198.51.100.12');
  });

  it('refuses changes past the end of the /24', () => {
    expect(() => routerAddress('nat2', 200)).toThrow(RangeError);
    expect(() => routerAddress('nat1', -1)).toThrow(RangeError);
  });
});

describe('addressChange', () => {
  it('removes the old public address before adding the new one, then restores the default route', () => {
    const plan = natPlan({ runId: 7, turnPort: TURN_PORT });
    const steps = addressChange(plan, 'nat1', '198.51.100.11', '198.51.100.21');
    expect(steps.map((argv) => argv.slice(3, 5).join(' '))).toEqual([
      'addr del',
      'addr add',
      'route replace',
    ]);
    expect(steps[0]).toContain('198.51.100.11/24');
    expect(steps[1]).toContain('198.51.100.21/24');
    for (const argv of steps) expect(argv[2]).toBe(plan.namespaces.nat1);
  });
});
