// What the locale says about the terminal's character set. The environment comes in as an
// argument (the process's, or a test's), so this stays pure.

/** The locale's character set is UTF-8 (LC_ALL, else LC_CTYPE, else LANG, as POSIX orders them). */
export function localeIsUtf8(env: Readonly<Record<string, string | undefined>>): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}
