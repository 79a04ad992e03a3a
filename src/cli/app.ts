// run(deps, options): the live modes over one bundle of OS inputs, so tests drive the whole
// program with replayed packets, a fixture /proc and a headless screen.
import type { LiveOptions } from './args.js';
import type { AppDeps, Sink, StopRequest } from './deps.js';
import { runReplay } from './replay-driver.js';
import { runLive } from './live-driver.js';

export type { AppDeps, Sink, StopRequest } from './deps.js';
export { checkInterfaces } from './deps.js';

export async function run(deps: AppDeps, options: LiveOptions, sink: Sink): Promise<number> {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const uninstall = deps.onStopSignal(() => stop());
  void sink.done?.then(() => stop());
  const req: StopRequest = { stopped, stop };
  try {
    if (options.replay !== null) return await runReplay(deps, options, sink, req);
    return await runLive(deps, options, sink, req);
  } finally {
    uninstall();
    sink.close();
  }
}
