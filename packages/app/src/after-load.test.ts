import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterLoad, playAfterLoad } from './after-load.js';

describe('afterLoad', () => {
  let page: EventTarget;
  let doc: { readyState: DocumentReadyState };

  beforeEach(() => {
    vi.useFakeTimers();
    page = new EventTarget();
    doc = { readyState: 'loading' };
    vi.stubGlobal('document', doc);
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('attaches at once on a loaded page', () => {
    doc.readyState = 'complete';
    const attach = vi.fn();
    afterLoad(attach);
    expect(attach).toHaveBeenCalledTimes(1);
  });

  it('waits for the load event, then attaches once', () => {
    const attach = vi.fn();
    afterLoad(attach, 2000);
    vi.advanceTimersByTime(1999);
    expect(attach).not.toHaveBeenCalled();
    page.dispatchEvent(new Event('load'));
    expect(attach).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(attach).toHaveBeenCalledTimes(1);
  });

  it('attaches after the longest wait when load is later still, and not again at load', () => {
    const attach = vi.fn();
    afterLoad(attach, 2000);
    vi.advanceTimersByTime(2000);
    expect(attach).toHaveBeenCalledTimes(1);
    page.dispatchEvent(new Event('load'));
    expect(attach).toHaveBeenCalledTimes(1);
  });

  it('attaches nothing once cancelled (the element changed or went away)', () => {
    const attach = vi.fn();
    const cancel = afterLoad(attach, 2000);
    cancel();
    page.dispatchEvent(new Event('load'));
    vi.advanceTimersByTime(5000);
    expect(attach).not.toHaveBeenCalled();
  });

  it('playAfterLoad sets the stream once loaded, plays it, and reports a failed play but not an aborted one', async () => {
    const stream = {} as MediaStream;
    const failures: unknown[] = [];
    const element = (reason: string | null) => ({
      srcObject: null as MediaStream | null,
      play: vi.fn(() =>
        reason === null ? Promise.resolve() : Promise.reject(new DOMException('no', reason)),
      ),
    });
    const played = element(null);
    playAfterLoad(played as unknown as HTMLMediaElement, stream, (e) => failures.push(e));
    expect(played.srcObject).toBeNull();
    page.dispatchEvent(new Event('load'));
    expect(played.srcObject).toBe(stream);
    expect(played.play).toHaveBeenCalledTimes(1);

    doc.readyState = 'complete';
    const aborted = element('AbortError');
    const refused = element('NotAllowedError');
    playAfterLoad(aborted as unknown as HTMLMediaElement, stream, (e) => failures.push(e));
    playAfterLoad(refused as unknown as HTMLMediaElement, stream, (e) => failures.push(e));
    await Promise.resolve();
    await Promise.resolve();
    expect(failures.map((e) => (e as DOMException).name)).toEqual(['NotAllowedError']);
  });
});
