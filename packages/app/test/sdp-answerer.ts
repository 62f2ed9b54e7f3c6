import type { BrowserContext, Page } from 'playwright-core';

/**
 * Answers publisher offers as an SFU would (receive-only), with a plain RTCPeerConnection in a page of its own,
 * so a scripted signalling server can let the app publish without Janus: a new PeerConnection per publish, the
 * last one again for an ICE restart. Nothing needs media to flow.
 */
export interface SdpAnswerer {
  answer(offer: string, restart: boolean): Promise<string>;
  close(): Promise<void>;
}

export async function createSdpAnswerer(context: BrowserContext): Promise<SdpAnswerer> {
  const page: Page = await context.newPage();
  return {
    answer: (offer, restart) =>
      page.evaluate(
        async ([sdp, again]) => {
          const holder = window as unknown as { pc?: RTCPeerConnection };
          if (!again || !holder.pc) {
            holder.pc?.close();
            holder.pc = new RTCPeerConnection();
          }
          const pc = holder.pc;
          await pc.setRemoteDescription({ type: 'offer', sdp });
          await pc.setLocalDescription(await pc.createAnswer());
          return pc.localDescription!.sdp;
        },
        [offer, restart] as const,
      ),
    close: () => page.close(),
  };
}
