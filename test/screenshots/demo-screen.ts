// The screen on a real terminal over the hand-built fixture snapshots (no capture): for checking
// terminal behaviour by hand (TERM, resize, NO_COLOR) and the screenshot pipeline with --demo.
// Signals are only recorded, never sent: the fixture's pids are not real processes.

import { createScreenApp } from '../../src/ui/app.js';
import { createTerminalScreen } from '../../src/ui/screen.js';
import { demoSnapshot } from '../ui/fixture.js';

const screen = createTerminalScreen(process.env);
const app = createScreenApp({
  screen,
  hostname: 'demo',
  selfPid: process.pid,
  signal: () => {},
  processStartTime: (pid) => 100000 + pid,
  names: () => null,
  env: process.env,
});
let i = 0;
app.update(demoSnapshot());
const timer = setInterval(() => app.update(demoSnapshot(1764121200000 + ++i * 1000)), 1000);
for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, () => app.quit());
await app.done;
clearInterval(timer);
app.destroy();
