import type { AccessSnapshot } from '@backdrop/client';
import { TypedEmitter } from '@backdrop/events';
import { describe, expect, it } from 'vitest';
import { HostControls, type HostRoom, hostLink, peopleRows } from './host-controls.js';

const HOST_ACCESS: AccessSnapshot = {
  role: 'host',
  locked: false,
  passwordSet: false,
  hostKey: 'k'.repeat(43),
  waiting: [],
};

/** The Room surface HostControls uses, driven by hand. */
class FakeRoom extends TypedEmitter<{
  accessChanged: (a: AccessSnapshot) => void;
  participantJoined: () => void;
}> {
  access = HOST_ACCESS;
  participants = new Map([['p_b', { id: 'p_b', name: 'Bo', role: 'participant' as const }]]);
  localParticipantId = 'p_a';
  calls: string[] = [];
  refuse = false;
  private async call(what: string): Promise<void> {
    this.calls.push(what);
    if (this.refuse) throw new Error('only a host can do that');
  }
  setLocked = (locked: boolean) => this.call(`lock ${locked}`);
  answerKnock = (id: string, admit: boolean) => this.call(`${admit ? 'admit' : 'deny'} ${id}`);
  removeParticipant = (id: string) => this.call(`remove ${id}`);
  muteAll = () => this.call('muteAll');
  changeAccess(access: AccessSnapshot): void {
    this.access = access;
    this.emit('accessChanged', access);
  }
}

describe('host controls', () => {
  it('lists ourselves first, then the others, with roles', () => {
    expect(
      peopleRows({ id: undefined, name: 'Ann', role: 'host' }, [
        { id: 'p_b', name: 'Bo', role: 'participant' },
      ]),
    ).toEqual([
      { id: 'local', name: 'Ann', role: 'host', local: true },
      { id: 'p_b', name: 'Bo', role: 'participant', local: false },
    ]);
  });

  it('makes the host link on this origin', () => {
    expect(hostLink('https://meet.example.org', 'team-a', 'abc_-')).toBe(
      'https://meet.example.org/r/team-a?host=abc_-',
    );
  });

  it('follows the room and sends the host actions; a refusal is reported, nothing changed locally', async () => {
    const room = new FakeRoom({ name: 'fake' });
    const problems: string[] = [];
    const controls = new HostControls(room as unknown as HostRoom, 'Ann', (t) => problems.push(t));
    expect(controls.people.value.map((p) => p.name)).toEqual(['Ann', 'Bo']);
    room.changeAccess({ ...HOST_ACCESS, locked: true, waiting: [{ id: 'w_1', name: 'Cy' }] });
    expect(controls.access.value.waiting).toEqual([{ id: 'w_1', name: 'Cy' }]);
    await controls.setLocked(false);
    await controls.admit('w_1');
    await controls.deny('w_2');
    await controls.remove('p_b');
    await controls.muteAll();
    expect(room.calls).toEqual(['lock false', 'admit w_1', 'deny w_2', 'remove p_b', 'muteAll']);
    room.refuse = true;
    await controls.remove('p_b');
    expect(problems).toEqual(['Could not remove them: only a host can do that']);
    controls.close();
    room.changeAccess(HOST_ACCESS);
    expect(controls.access.value.locked).toBe(true);
  });
});
