import { describe, expect, it } from 'vitest';
import { TrackSources } from './track-sources.js';

describe('TrackSources', () => {
  it('shows the SFU tracks at once when there is nothing else, flowing or not', () => {
    const s = new TrackSources<string>();
    s.add('sfu', 'a1');
    s.add('sfu', 'v1');
    expect(s.shown).toBe('sfu');
    expect(s.shownTracks()).toEqual(['a1', 'v1']);
  });

  it('switches to direct only once every direct track flows', () => {
    const s = new TrackSources<string>();
    s.add('sfu', 'v1');
    s.prefer('direct');
    expect(s.shownTracks()).toEqual(['v1']);
    s.add('direct', 'dv');
    s.add('direct', 'da');
    s.flowing('dv');
    expect(s.shownTracks()).toEqual(['v1']);
    s.flowing('da');
    expect(s.shownTracks()).toEqual(['dv', 'da']);
  });

  it('back to the SFU: keeps the direct tracks until the SFU tracks flow again', () => {
    const s = new TrackSources<string>();
    s.prefer('direct');
    s.add('direct', 'dv');
    s.flowing('dv');
    s.add('sfu', 'v1');
    s.flowing('v1');
    s.remove('sfu', 'v1'); // the SFU stopped sending it (directReady)
    s.prefer('sfu');
    expect(s.shown).toBe('direct');
    s.add('sfu', 'v1'); // the same recycled m-line's track: its earlier flow does not count
    expect(s.shown).toBe('direct');
    s.flowing('v1');
    expect(s.shown).toBe('sfu');
    s.clear('direct');
    expect(s.shownTracks()).toEqual(['v1']);
  });

  it('shows whatever is left when the preferred path has nothing', () => {
    const s = new TrackSources<string>();
    s.prefer('direct');
    s.add('sfu', 'v1');
    s.flowing('gone');
    expect(s.shownTracks()).toEqual(['v1']);
    s.remove('sfu', 'v1');
    expect(s.shownTracks()).toEqual([]);
  });
});
