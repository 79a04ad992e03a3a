// `npm run bench`: runs every test/bench/*.bench.js in turn (each prints its own side-by-side
// table against the reference tool) so one command measures everything on the same machine.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const f of files) {
  process.stdout.write(`\n=== ${f.replace(/\.bench\.js$/, '')} ===\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { bench: () => Promise<void> };
  await mod.bench();
}
