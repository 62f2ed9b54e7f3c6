import type { RemoteEndpoint, RemoteStreamSpec, SfuRemotes } from '../src/sfu/videoroom-remote.js';

/** Remote-publisher requests to a fake SFU, recorded; remote publishers and forwards held, by feed id. */
export class FakeRemotes implements SfuRemotes {
  readonly calls: string[] = [];
  /** Remote publishers in this SFU: feed id -> where it listens and what it mirrors. */
  readonly publishers = new Map<number, { endpoint: RemoteEndpoint; streams: readonly RemoteStreamSpec[] }>();
  /** Forwards of local feeds: `feedId remoteId` -> where to. */
  readonly forwards = new Map<string, RemoteEndpoint>();
  /** Makes the next addRemotePublisher fail with this, once. */
  failNextAdd: Error | undefined;

  async addRemotePublisher(
    _roomId: number,
    spec: { feedId: number; display: string; streams: readonly RemoteStreamSpec[]; endpoint: RemoteEndpoint },
  ): Promise<RemoteEndpoint> {
    this.calls.push(`add ${spec.feedId}`);
    const failure = this.failNextAdd;
    this.failNextAdd = undefined;
    if (failure) throw failure;
    if (this.publishers.has(spec.feedId)) throw new Error('User ID already exists');
    this.publishers.set(spec.feedId, { endpoint: spec.endpoint, streams: spec.streams });
    return spec.endpoint;
  }

  async removeRemotePublisher(_roomId: number, feedId: number): Promise<void> {
    this.calls.push(`remove ${feedId}`);
    if (!this.publishers.delete(feedId)) throw new Error('No such remote publisher');
  }

  async publishRemotely(
    _roomId: number,
    forward: { feedId: number; remoteId: string; endpoint: RemoteEndpoint },
  ): Promise<void> {
    this.calls.push(`publishRemotely ${forward.feedId} ${forward.remoteId}`);
    const key = `${forward.feedId} ${forward.remoteId}`;
    if (this.forwards.has(key)) throw new Error('Remotization already exists');
    this.forwards.set(key, forward.endpoint);
  }

  /** How many hasPublisher checks answer false first (Janus 1.1.2 adds a remote publisher from its thread). */
  lateBy = 1;
  async hasPublisher(_roomId: number, feedId: number): Promise<boolean> {
    if (this.lateBy > 0) {
      this.lateBy--;
      return false;
    }
    return this.publishers.has(feedId);
  }

  async unpublishRemotely(_roomId: number, forward: { feedId: number; remoteId: string }): Promise<void> {
    this.calls.push(`unpublishRemotely ${forward.feedId} ${forward.remoteId}`);
    if (!this.forwards.delete(`${forward.feedId} ${forward.remoteId}`))
      throw new Error('No such remotization');
  }
}
