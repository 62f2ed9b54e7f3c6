import type { NetworkChange, NetworkMonitor } from '../src/transport.js';

/** Network events on demand. */
export class FakeNetwork implements NetworkMonitor {
  private readonly listeners = new Set<(change: NetworkChange) => void>();

  subscribe(listener: (change: NetworkChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  emit(change: NetworkChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
