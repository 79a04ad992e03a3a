// The short-lived client of the new-program reader's live test and of its fixture recording: a
// python3 program that connects to 127.0.0.1:`port` as it starts, sends a byte, holds the
// connection 50 ms, closes it and exits 50 ms later.
export function shortClientScript(port: number): string {
  return [
    'import socket, time',
    `s = socket.create_connection(('127.0.0.1', ${port}))`,
    "s.sendall(b'x')",
    'time.sleep(0.05)',
    's.close()',
    'time.sleep(0.05)',
  ].join('; ');
}
