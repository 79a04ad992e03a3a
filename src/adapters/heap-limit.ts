// How far V8 lets the old generation grow past what the last full collection kept. By default it
// may grow to several times the live set before collecting again: on a host opening thousands of
// connections a second, flows and socket rows live tens of seconds, so they all reach the old
// generation, and the heap (and resident memory) climbed for minutes at four times what was live.
// A live capture runs for days beside the admin's own work, so it asks V8 for a tighter bound:
// more frequent full collections (marked concurrently, on another core) for far less memory.
import { setFlagsFromString } from 'node:v8';

/** Percent the old generation may grow past the live set before the next full collection. */
export const HEAP_GROWING_PERCENT = 30;

export function keepHeapNearLiveSet(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
