// The layer rules of src, as a check over source text: what each layer may import and, for the
// pure core, which globals it may not touch. Comments are ignored and string contents are only
// read as module names, so a sentence that mentions "process." or "fs" is no offence.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** I/O and UI modules named in the rules' messages; core may import no package or built-in at all. */
export const IO_MODULES = [
  'fs',
  'os',
  'child_process',
  'net',
  'dgram',
  'dns',
  'http',
  'https',
  'http2',
  'tls',
  'worker_threads',
  'cluster',
  'process',
  'timers',
  'perf_hooks',
  'readline',
  'tty',
  'blessed',
  'blessed-contrib',
  'pcap',
  'netlink',
  'prom-client',
];

/** Globals that read the clock, the process or the timers: core takes time and input as arguments. */
const IMPURE_GLOBALS: [RegExp, string][] = [
  [/\bDate\s*\.\s*now\b/, 'Date.now'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date()'],
  [/(?<![\w$.])process\s*\./, 'process.'],
  [/(?<![\w$.])(?:(?:set|clear)(?:Timeout|Interval|Immediate)|queueMicrotask)\b/, 'a timer'],
  [/(?<![\w$.])performance\s*\./, 'performance'],
  [/(?<![\w$.])require\s*\(/, 'require'],
  [/(?<![\w$.])globalThis\b/, 'globalThis'],
];

/** The text with comments removed and, in `code`, string and template contents blanked. */
export function stripSource(text: string): { code: string; withStrings: string } {
  let code = '';
  let withStrings = '';
  const braces: number[] = []; // brace depth at each open `${` of a template
  let depth = 0;
  let i = 0;
  const emit = (c: string, inString: boolean): void => {
    withStrings += c;
    code += inString && c !== '\n' ? ' ' : c;
  };
  const template = (): void => {
    // i is just past a backtick or a closing `}` of a substitution
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\') {
        emit(c, true);
        emit(text[i + 1] ?? '', true);
        i += 2;
      } else if (c === '`') {
        emit(c, false);
        i++;
        return;
      } else if (c === '$' && text[i + 1] === '{') {
        emit('${', false);
        i += 2;
        braces.push(depth++);
        return;
      } else {
        emit(c, true);
        i++;
      }
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "'" || c === '"') {
      emit(c, false);
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') emit(text[i++]!, true);
        emit(text[i++] ?? '', true);
      }
      emit(text[i] ?? '', false);
      i++;
    } else if (c === '`') {
      emit(c, false);
      i++;
      template();
    } else if (c === '{') {
      depth++;
      emit(c, false);
      i++;
    } else if (c === '}') {
      depth--;
      emit(c, false);
      i++;
      if (braces.length && braces[braces.length - 1] === depth) {
        braces.pop();
        template();
      }
    } else {
      emit(c, false);
      i++;
    }
  }
  return { code, withStrings };
}

/** Every module specifier a source text names: imports, re-exports, dynamic imports, require. */
export function specifiers(text: string): string[] {
  const { withStrings } = stripSource(text);
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from 'm' / export * from 'm'
    /\bimport\s*['"]([^'"]+)['"]/g, // import 'm' (side effects)
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('m'), also in types
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // require('m')
  ];
  for (const re of patterns) for (const m of withStrings.matchAll(re)) out.push(m[1]!);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

/**
 * Where a specifier leads, as a path under src ("core/view/frame.ts") for a relative one, or
 * "module:NAME" (without "node:" and subpaths) for a package or built-in.
 */
function target(srcRoot: string, file: string, spec: string): string {
  if (!spec.startsWith('.')) {
    const bare = spec.replace(/^node:/, '');
    const name = bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0]!;
    return `module:${name}`;
  }
  return relative(srcRoot, resolve(dirname(file), spec))
    .split(sep)
    .join('/');
}

/** What each layer may import; a reason string when `to` is refused, else null. */
function refusal(layer: string, to: string): string | null {
  const mod = to.startsWith('module:') ? to.slice('module:'.length) : null;
  if (layer === 'core') {
    if (mod !== null) return IO_MODULES.includes(mod) ? 'an I/O or UI module in the pure core' : 'a module in the pure core';
    return to.startsWith('core/') ? null : 'a relative import that leaves core';
  }
  if (layer === 'ui') {
    if (mod !== null) return mod === 'blessed' || mod === 'blessed-contrib' ? null : 'a module other than blessed in ui';
    const allowed = to.startsWith('ui/') || to.startsWith('core/view/') || to.replace(/\.[jt]s$/, '') === 'core/model';
    return allowed ? null : 'ui draws the view model only (its own files, core/view, core/model)';
  }
  if (layer === 'adapters') {
    return to.startsWith('cli/') || to.startsWith('ui/') ? 'an adapter importing cli or ui' : null;
  }
  return null;
}

/**
 * Method declarations (`setTimeout(fn: () => void, ms: number): unknown;` in an interface of
 * injected timers) name no global: a line that is one (a name, parameters, a return type, no
 * body) is cut out.
 */
function withoutMemberDeclarations(code: string): string {
  return code.replace(/^(\s*)[\w$]+\s*\([^\n{]*\)\s*:[^\n{=]*$/gm, '$1');
}

/** Every breach of the layer rules under `srcRoot` (a src folder), as "file: what" lines. */
export function layerOffences(srcRoot: string): string[] {
  const out: string[] = [];
  for (const layer of ['core', 'ui', 'adapters']) {
    const dir = join(srcRoot, layer);
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      const name = relative(srcRoot, file).split(sep).join('/');
      for (const spec of specifiers(text)) {
        const why = refusal(layer, target(srcRoot, file, spec));
        if (why) out.push(`${name} imports ${spec}: ${why}`);
      }
      if (layer !== 'core') continue;
      const code = withoutMemberDeclarations(stripSource(text).code);
      for (const [re, what] of IMPURE_GLOBALS) if (re.test(code)) out.push(`${name} uses ${what}: core takes time and input as arguments`);
    }
  }
  return out;
}
