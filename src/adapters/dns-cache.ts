// Remote host names for the drill-down. Look-ups run in the background, two at a time (each may
// hold a thread-pool thread for seconds); answers (names, or "no name") are cached, so each address
// is asked once. The screen shows a name as soon as it arrives, never waiting for it.

export class ReverseDnsCache {
  private readonly known = new Map<string, string | null>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private inFlight = 0;
  /** Called when an answer arrives, so a screen that is not refreshing (paused, replay ended) can show it. */
  onAnswer: (() => void) | null = null;

  constructor(
    private readonly resolve: (addr: string) => Promise<string | null>,
    private readonly maxEntries = 2048,
    private readonly maxInFlight = 2,
  ) {}

  /** The name if known; null when there is none (or not yet); asks for it the first time. */
  name(addr: string): string | null {
    const hit = this.known.get(addr);
    if (hit !== undefined) return hit;
    if (!this.queued.has(addr) && worthAsking(addr)) {
      this.queued.add(addr);
      this.queue.push(addr);
      this.pump();
    }
    return null;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const addr = this.queue.shift()!;
      this.inFlight++;
      let p: Promise<string | null>;
      try {
        p = this.resolve(addr);
      } catch {
        p = Promise.resolve(null);
      }
      p.then(
        (n) => this.store(addr, n?.trim() ? n.trim() : null),
        () => this.store(addr, null),
      );
    }
  }

  private store(addr: string, name: string | null): void {
    this.inFlight--;
    this.queued.delete(addr);
    // Oldest answers go first once the cache is full (a Map iterates in insertion order).
    if (this.known.size >= this.maxEntries) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(addr, name);
    this.pump();
    if (name !== null) this.onAnswer?.();
  }
}

/** Wildcard and empty addresses have no name to ask for. */
function worthAsking(addr: string): boolean {
  return addr !== '' && addr !== '*' && addr !== '0.0.0.0' && addr !== '::';
}
