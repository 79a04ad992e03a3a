// Command-line options through node's util.parseArgs, with bwtop's own error sentences: the
// tokens parseArgs finds are checked here, so every mistake names the option and points at the
// command's own --help, and a number that starts with '-' reaches the value checks (which say
// why it is wrong) instead of being taken for an option.
import { parseArgs } from 'node:util';
import { UserError } from './io.js';

export interface OptionSpec {
  short?: string;
  /** Placeholder of the option's value in the help (NAME, SECONDS); absent for a flag. */
  value?: string;
  /** What a missing value should have been, e.g. "a process id, e.g. --pid 812". */
  needs?: string;
  /** May be given more than once; every value is kept (otherwise the last one counts). */
  multiple?: boolean;
  /** Help text; "\n" starts a continuation line. */
  help: string;
}

export interface CommandSpec {
  /** How the command is typed after `bwtop` ("" for the live modes). */
  name: string;
  /** The help's first lines (usage and what the command does). */
  intro: string;
  options: Record<string, OptionSpec>;
  /** Lines after the options (examples, pointers to other commands' help). */
  outro?: string;
}

/** Option values by long name: flags as true, values as strings in the order given. */
export class ParsedOptions {
  readonly flags = new Set<string>();
  readonly values = new Map<string, string[]>();
  has(name: string): boolean {
    return this.flags.has(name);
  }
  last(name: string): string | undefined {
    return this.values.get(name)?.at(-1);
  }
  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }
}

const commandWords = (spec: CommandSpec): string => (spec.name === '' ? 'bwtop' : `bwtop ${spec.name}`);
export const helpPointer = (spec: CommandSpec): string => `see ${commandWords(spec)} --help`;

/** parseArgs' option table for a spec; every value is read as a string and checked afterwards. */
export function parseArgsConfig(options: Record<string, OptionSpec>): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(options)) {
    const type = o.value ? 'string' : 'boolean';
    config[name] = o.short === undefined ? { type } : { type, short: o.short };
  }
  return config;
}

/** Looks like a number ("-3", "-0.5"), so it is a (wrong) value, not an option. */
const numeric = (text: string): boolean => /^-(\d|\.\d)/.test(text);

/**
 * Parses `args` (without the command word) against one command's options. `otherCommands` lets a
 * misplaced option say which command it belongs to.
 */
export function parseOptions(spec: CommandSpec, args: string[], otherCommands: readonly CommandSpec[] = []): ParsedOptions {
  const { tokens } = parseArgs({ args, options: parseArgsConfig(spec.options), strict: false, allowPositionals: true, tokens: true });
  const out = new ParsedOptions();
  const see = helpPointer(spec);
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      throw new UserError(`unexpected argument "${t.value}" for ${commandWords(spec)}; ${see}`);
    }
    const o = spec.options[t.name];
    if (o === undefined) {
      const owner = otherCommands.find((c) => c.options[t.name] !== undefined && c.name !== spec.name);
      if (owner !== undefined && t.rawName.startsWith('--')) {
        const here = spec.name === '' ? 'the screen and --json' : commandWords(spec);
        if (owner.name !== '') {
          throw new UserError(`option ${t.rawName} belongs to ${commandWords(owner)}, not to ${here}; ${helpPointer(owner)}`);
        }
        throw new UserError(`option ${t.rawName} is not an option of ${here}; ${see}`);
      }
      throw new UserError(`unknown option "${t.rawName}"${spec.name === '' ? '' : ` for ${commandWords(spec)}`}; ${see}`);
    }
    if (!o.value) {
      if (t.value !== undefined) throw new UserError(`option ${t.rawName} takes no value; ${see}`);
      out.flags.add(t.name);
      continue;
    }
    // parseArgs (not strict) takes the next word as the value whatever it is: a word that looks
    // like an option means the value was forgotten.
    const v = t.value;
    if (v === undefined || v === '' || (!t.inlineValue && v.startsWith('-') && !numeric(v))) {
      throw new UserError(`${t.rawName} needs ${o.needs ?? `a value (${o.value})`}; ${see}`);
    }
    const list = o.multiple ? (out.values.get(t.name) ?? []) : [];
    list.push(v);
    out.values.set(t.name, list);
  }
  return out;
}

/**
 * Finds the command word wherever it stands (`bwtop --proc-root X connections` and
 * `bwtop connections --proc-root X` are the same), reading option values with every command's
 * options so a value is never taken for the command.
 */
export function findCommand(argv: string[], commands: readonly CommandSpec[]): { command: CommandSpec; args: string[] } {
  const live = commands.find((c) => c.name === '')!;
  const all: Record<string, OptionSpec> = {};
  for (const c of commands) Object.assign(all, c.options);
  const { tokens } = parseArgs({ args: argv, options: parseArgsConfig(all), strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional');
  if (first === undefined) return { command: live, args: argv };
  const command = commands.find((c) => c.name !== '' && c.name === first.value);
  if (command === undefined) {
    // An unknown option before the word is the likelier mistake (its value read as a command).
    const unknown = tokens.find((t) => t.kind === 'option' && t.index < first.index && all[t.name] === undefined);
    if (unknown?.kind === 'option') throw new UserError(`unknown option "${unknown.rawName}"; ${helpPointer(live)}`);
    const names = commands.filter((c) => c.name !== '').map((c) => c.name);
    throw new UserError(`unknown command "${first.value}"; commands are ${names.join(' and ')}, ${helpPointer(live)}`);
  }
  return { command, args: argv.filter((_, i) => i !== first.index) };
}

/** The help text of one command, options aligned in two columns. */
export function helpText(spec: CommandSpec): string {
  const left = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return { flag, help: o.help.split('\n') };
  });
  const width = Math.max(...left.map((l) => l.flag.length)) + 3;
  const lines = left.flatMap((l) => [`  ${l.flag.padEnd(width)}${l.help[0]}`, ...l.help.slice(1).map((h) => `  ${''.padEnd(width)}${h}`)]);
  return `${spec.intro}\noptions:\n${lines.join('\n')}\n${spec.outro ? `\n${spec.outro}` : ''}`;
}
