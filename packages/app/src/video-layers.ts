import { chooseLayer } from '@backdrop/client';
import type { MediaSource, VideoLayer } from '@backdrop/protocol';

/** One received video on screen: whose, which source, and its `<video>` element. */
export interface LayerTarget {
  participantId: string;
  source: MediaSource;
  element: HTMLVideoElement;
}

export interface LayerRequest {
  participantId: string;
  source: MediaSource;
  layer: VideoLayer;
}

/** What the layer of one video should be now, given its box and whether it is on screen. Pure. */
export function layerFor(
  target: { source: MediaSource; heightPx: number; visible: boolean },
  current: VideoLayer | undefined,
): VideoLayer {
  // A share is one layer: on or off.
  if (target.source === 'screen') return target.visible && target.heightPx > 0 ? 'high' : 'off';
  return chooseLayer({ tileHeightPx: target.heightPx, visible: target.visible, current });
}

/** The requests that change what was last sent (`sent` is updated). Pure. */
export function layerChanges(sent: Map<string, VideoLayer>, wanted: readonly LayerRequest[]): LayerRequest[] {
  const changes: LayerRequest[] = [];
  for (const request of wanted) {
    const key = `${request.participantId}/${request.source}`;
    if (sent.get(key) === request.layer) continue;
    sent.set(key, request.layer);
    changes.push(request);
  }
  return changes;
}

/** How long layout changes settle before the layers are sent (a resize fires many observations). */
export const LAYER_DEBOUNCE_MS = 250;

/**
 * Watches the received videos' boxes (ResizeObserver), whether they are in the viewport
 * (IntersectionObserver) and whether the page is visible, and asks the Room for the layer each needs: the
 * smallest simulcast layer that covers the tile, `off` for a tile scrolled out of view or a hidden page.
 * Sends only changes, debounced. `close()` disconnects everything.
 */
export class VideoLayerRequests {
  private readonly targets = new Map<HTMLVideoElement, LayerTarget & { visible: boolean }>();
  private readonly sent = new Map<string, VideoLayer>();
  /** Videos received but not shown (off screen by last-N), by `participantId/source`: asked `off`. */
  private readonly hidden = new Map<string, { participantId: string; source: MediaSource; count: number }>();
  private readonly resize = new ResizeObserver(() => this.schedule());
  private readonly intersection = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const target = this.targets.get(entry.target as HTMLVideoElement);
      if (target) target.visible = entry.isIntersecting;
    }
    this.schedule();
  });
  private readonly onVisibility = () => this.schedule();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (requests: LayerRequest[]) => void) {
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  /** Starts watching a received video; the returned function stops (call it when the tile goes). */
  observe(target: LayerTarget): () => void {
    this.targets.set(target.element, { ...target, visible: true });
    this.resize.observe(target.element);
    this.intersection.observe(target.element);
    this.schedule();
    return () => {
      this.targets.delete(target.element);
      this.resize.unobserve(target.element);
      this.intersection.unobserve(target.element);
      this.schedule();
    };
  }

  /**
   * Asks for no video of `participantId`'s `source` while it is off screen (its audio still plays), unless a
   * tile shows it meanwhile; the returned function ends that (call it when it comes on screen or leaves).
   */
  hide(participantId: string, source: MediaSource): () => void {
    const key = `${participantId}/${source}`;
    const entry = this.hidden.get(key) ?? { participantId, source, count: 0 };
    entry.count++;
    this.hidden.set(key, entry);
    this.schedule();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--entry.count === 0 && this.hidden.get(key) === entry) this.hidden.delete(key);
      this.schedule();
    };
  }

  /** Forgets what was sent (a resume or re-join: the server's state is new) and sends everything again. */
  resend(): void {
    this.sent.clear();
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    this.resize.disconnect();
    this.intersection.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.targets.clear();
    this.hidden.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), LAYER_DEBOUNCE_MS);
  }

  private flush(): void {
    const pageVisible = document.visibilityState !== 'hidden';
    const wanted = [...this.targets.values()].map(({ participantId, source, element, visible }) => ({
      participantId,
      source,
      layer: layerFor(
        { source, heightPx: element.clientHeight * devicePixelRatio, visible: visible && pageVisible },
        this.sent.get(`${participantId}/${source}`),
      ),
    }));
    const shown = new Set(wanted.map((w) => `${w.participantId}/${w.source}`));
    for (const [key, { participantId, source }] of this.hidden)
      if (!shown.has(key)) wanted.push({ participantId, source, layer: 'off' });
    const changes = layerChanges(this.sent, wanted);
    if (changes.length > 0) this.send(changes);
  }
}
