import { describe, expect, it } from 'vitest';
import { roleOnEntry, successor } from './roles.js';

const p = (role: 'host' | 'participant', isAway = false) => ({ role, isAway });

describe('roles', () => {
  it('makes the first participant host, later ones participants, and a host-key holder host', () => {
    expect(roleOnEntry(false, [])).toBe('host');
    expect(roleOnEntry(false, [p('host')])).toBe('participant');
    expect(roleOnEntry(true, [p('host')])).toBe('host');
    // Everyone there lost their host (e.g. it was removed while someone was joining): the newcomer is host.
    expect(roleOnEntry(false, [p('participant')])).toBe('host');
  });

  it('hands host to the longest-present connected participant when the last host leaves', () => {
    const [a, b, c] = [p('participant', true), p('participant'), p('participant')];
    expect(successor([a, b, c])).toBe(b);
    expect(successor([b, c])).toBe(b);
    const allAway = [p('participant', true), p('participant', true)];
    expect(successor(allAway)).toBe(allAway[0]);
    expect(successor([p('participant'), p('host')])).toBeUndefined();
    expect(successor([])).toBeUndefined();
  });
});
