// Sockets of newly started programs, watched from the process events thread (young_sockets.c).
#ifndef BWTOP_YOUNG_SOCKETS_H
#define BWTOP_YOUNG_SOCKETS_H
#include <stddef.h>
#include <stdint.h>

#define YOUNG_MAX 64     // programs followed at once; beyond, the oldest is dropped
#define YOUNG_SOCKETS 16 // sockets remembered per program

typedef struct {
  uint64_t inode;
  uint64_t last_ns;  // last read that saw it
  int inet;          // 1: TCP or UDP (reported), 0: another kind, or there at the first read
  int present;
} YoungSocket;

typedef struct {
  int pid;
  void* dir;  // its fd/ directory, kept open between reads (DIR*)
  uint64_t exec_ns, next_ns;
  int reads;
  int identified;  // its identity was sent with its first socket
  uint64_t stdio_inode[3];  // what descriptors 0-2 were at the first read (0: not a socket)
  int nsockets;
  YoungSocket sockets[YOUNG_SOCKETS];
} YoungProcess;

typedef struct {
  YoungProcess procs[YOUNG_MAX];
  int count;
} YoungWatch;

// Emits one synthetic proc-connector message (a datagram of its own) for JavaScript.
typedef void (*young_emit)(void* ctx, const unsigned char* msg, size_t len);

// Looks at one kernel message: an exec starts following its process, an exit ends it.
void young_note(YoungWatch* w, const unsigned char* msg, size_t len);
// Nanoseconds until the next read is due (-1: nothing followed).
int64_t young_wait_ns(const YoungWatch* w);
// Reads the followed processes that are due (or nearly); reports sockets that appeared or went.
void young_read_due(YoungWatch* w, young_emit emit, void* ctx);
// A thread's fork or exit (pid != tgid): not a process, nothing JavaScript needs.
int young_is_thread_event(const unsigned char* d, size_t n);

#endif
