import { describe, expect, it } from 'vitest';
import { StartupTimeline } from './timeline.js';

describe('StartupTimeline', () => {
  it('reports what each phase cost and the total from creation', () => {
    let now = 1000;
    const t = new StartupTimeline(() => now);
    t.mark('created');
    now = 1040;
    t.mark('workerStarted');
    now = 1300;
    t.mark('fetched');
    t.mark('compiled', 1450);
    now = 1500;
    t.mark('firstFrame');
    const r = t.report();
    expect(r.phaseMs).toEqual({ workerStarted: 40, fetched: 260, compiled: 150, firstFrame: 50 });
    expect(r.totalMs).toBe(500);
  });
  it('keeps the first mark of a phase', () => {
    let now = 5;
    const t = new StartupTimeline(() => now);
    t.mark('created');
    now = 9;
    t.mark('firstFrame');
    now = 50;
    t.mark('firstFrame');
    expect(t.report().at.firstFrame).toBe(9);
    expect(t.has('compiled')).toBe(false);
  });
  it('has no total before creation is marked', () => {
    const t = new StartupTimeline(() => 0);
    t.mark('fetched');
    expect(t.report().totalMs).toBeNull();
  });
  it('adds up the pieces of a step, ignores what is not a duration, and says which kind of start it was', () => {
    const t = new StartupTimeline(() => 0, 'resume');
    t.detail('warmUp', 12);
    t.detail('warmUp', 30);
    t.detail('loadModel', Number.NaN);
    t.detail('frameWait', -3);
    const r = t.report();
    expect(r.kind).toBe('resume');
    expect(r.detailMs).toEqual({ warmUp: 42, frameWait: 0 });
    expect(new StartupTimeline(() => 0).report().kind).toBe('start');
  });
});
