import { TypedEmitter } from '@backdrop/events';
import { describe, expect, it } from 'vitest';
import { wireHostEvents } from './host-wiring.js';

class FakeRoom extends TypedEmitter<{
  waiting: (info: { timeoutMs: number }) => void;
  connectionStateChanged: (state: string) => void;
  muteRequested: (r: { from: string; fromName: string }) => void;
}> {
  state = 'connecting';
  fire(event: 'waiting' | 'connected' | 'mute'): void {
    if (event === 'waiting') this.emit('waiting', { timeoutMs: 1000 });
    else if (event === 'connected') {
      this.state = 'connected';
      this.emit('connectionStateChanged', 'connected');
    } else this.emit('muteRequested', { from: 'p_h', fromName: 'Hana' });
  }
}

describe('wireHostEvents', () => {
  it('tells waiting, then admitted once connected; mutes and says who asked; unwires', () => {
    const room = new FakeRoom({ name: 'fake' });
    const seen: string[] = [];
    const stop = wireHostEvents(room as never, {
      onWaiting: () => seen.push('waiting'),
      onAdmitted: () => seen.push('admitted'),
      muteMicrophone: () => seen.push('muted'),
      showMessage: (t) => seen.push(t),
    });
    room.fire('waiting');
    room.fire('connected');
    room.fire('mute');
    expect(seen).toEqual([
      'waiting',
      'admitted',
      'muted',
      'Hana (host) asked everyone to mute. You can unmute when you need to.',
    ]);
    stop();
    room.fire('mute');
    expect(seen).toHaveLength(4);
  });

  it('does not claim admitted for a join that never waited', () => {
    const room = new FakeRoom({ name: 'fake' });
    const seen: string[] = [];
    wireHostEvents(room as never, {
      onWaiting: () => seen.push('waiting'),
      onAdmitted: () => seen.push('admitted'),
      muteMicrophone: () => undefined,
      showMessage: () => undefined,
    });
    room.fire('connected');
    expect(seen).toEqual([]);
  });
});
