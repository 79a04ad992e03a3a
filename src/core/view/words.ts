// Counted nouns, singular or plural as the number wants ("1 socket", "2 sockets", "1 process").

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function processes(n: number): string {
  return plural(n, 'process', 'processes');
}
