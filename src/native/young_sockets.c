// Sockets of newly started programs. A download over loopback holds its TCP socket for a
// millisecond or two, and bwtop's JavaScript thread learns of the connection (and reads the
// process) several milliseconds late, so the socket is gone before anything proved whose it was.
// This runs in the process events thread, which hears of an exec within a fraction of a
// millisecond: it reads the new program's descriptors (/proc/PID/fd) right away (what it holds
// then came from before the exec: inherited, never reported) and again and again for its first
// YOUNG_FOLLOW_NS, first every quarter of a millisecond, then less often, and reports each TCP or
// UDP socket that appears (its protocol from the socket's `system.sockprotoname` attribute) and
// when it was last seen before it went (with the process's network namespace), as messages of the events' own shape (kinds
// BWTOP_SOCKET_SEEN/GONE, src/core/netlink/proc-events.ts). Cost: about 40 small reads per exec.
#define _GNU_SOURCE
#include "young_sockets.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define EV 36  // nlmsghdr (16) + cn_msg (20): where proc_event begins
#define PROC_EVENT_FORK 0x1u
#define PROC_EVENT_EXEC 0x2u
#define PROC_EVENT_EXIT 0x80000000u
#define BWTOP_SOCKET_SEEN 0x40000000u
#define BWTOP_SOCKET_GONE 0x40000001u
#define BWTOP_IDENTITY 0x40000002u
#define TEXT_MAX 1024  // of stat, cmdline and the exe path each
#define YOUNG_FOLLOW_NS 100000000ull  // a program's first 100 ms
#define FIRST_STEP_NS 250000ull
#define MAX_STEP_NS 5000000ull
// A first read this long after the exec may find sockets the program opened itself: no program
// gets through its dynamic loader faster than this.
#define LATE_NS 500000ull
#define AT_EXEC 0x100u

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint32_t get32(const unsigned char* d, size_t at) {
  uint32_t v;
  memcpy(&v, d + at, 4);
  return v;
}

int young_is_thread_event(const unsigned char* d, size_t n) {
  if (n < EV + 32) return 0;
  uint32_t len = get32(d, 0);
  if (len != n && ((len + 3) & ~3u) != n) return 0;  // several messages in one datagram: keep all
  uint32_t what = get32(d, EV);
  // PROC_EVENT_FORK: parent pid, parent tgid, child pid, child tgid; PROC_EVENT_EXIT: pid, tgid, ...
  size_t at = what == PROC_EVENT_FORK ? EV + 24 : what == PROC_EVENT_EXIT ? EV + 16 : 0;
  return at != 0 && get32(d, at) != get32(d, at + 4);
}

static int find(const YoungWatch* w, int pid) {
  for (int i = 0; i < w->count; i++)
    if (w->procs[i].pid == pid) return i;
  return -1;
}

static void drop(YoungWatch* w, int i) {
  if (w->procs[i].dir != NULL) closedir(w->procs[i].dir);
  w->procs[i] = w->procs[--w->count];
  memset(&w->procs[w->count], 0, sizeof w->procs[0]);  // the vacated slot owns nothing
}

void young_note(YoungWatch* w, const unsigned char* d, size_t n) {
  if (n < EV + 24 || get32(d, 0) > n) return;
  uint32_t what = get32(d, EV);
  int pid = (int)get32(d, EV + 16), tgid = (int)get32(d, EV + 20);
  if (pid != tgid) return;
  int i = find(w, pid);
  if (what == PROC_EVENT_EXIT) {
    if (i >= 0) drop(w, i);
    return;
  }
  if (what != PROC_EVENT_EXEC) return;
  if (i < 0) {
    if (w->count == YOUNG_MAX) {  // the one followed longest makes room
      int oldest = 0;
      for (int j = 1; j < w->count; j++)
        if (w->procs[j].exec_ns < w->procs[oldest].exec_ns) oldest = j;
      drop(w, oldest);
    }
    i = w->count++;
  }
  YoungProcess* p = &w->procs[i];
  if (p->dir != NULL) closedir(p->dir);  // an exec again: followed anew
  memset(p, 0, sizeof *p);
  p->pid = pid;
  uint64_t exec_ns;  // the kernel's time of the exec (CLOCK_MONOTONIC, as now_ns)
  memcpy(&exec_ns, d + EV + 8, 8);
  p->exec_ns = exec_ns;
  p->next_ns = now_ns();
}

int64_t young_wait_ns(const YoungWatch* w) {
  if (w->count == 0) return -1;
  uint64_t now = now_ns(), next = UINT64_MAX;
  for (int i = 0; i < w->count; i++)
    if (w->procs[i].next_ns < next) next = w->procs[i].next_ns;
  return next <= now ? 0 : (int64_t)(next - now);
}

// nlmsghdr, cn_msg and proc_event's what and timestamp of a message `len` bytes long.
static void put_header(unsigned char* m, uint32_t len, uint32_t what, uint64_t ns) {
  uint32_t one = 1;
  uint16_t type = 3, payload = (uint16_t)(len - 16 - 20);  // NLMSG_DONE; cn_msg.len
  memset(m, 0, EV + 16);
  memcpy(m, &len, 4);
  memcpy(m + 4, &type, 2);
  memcpy(m + 16, &one, 4);  // cn_msg.id: CN_IDX_PROC, CN_VAL_PROC
  memcpy(m + 20, &one, 4);
  memcpy(m + 32, &payload, 2);
  memcpy(m + EV, &what, 4);
  memcpy(m + EV + 8, &ns, 8);
}

// Payload: pid, tgid, inode (u64), the namespace inode (SEEN) or microseconds until found gone
// (GONE), the kind (1 TCP, 2 TCPv6, 3 UDP, 4 UDPv6; 0 for GONE; | AT_EXEC: found by a late
// first read, maybe inherited).
static void emit_socket(young_emit emit, void* ctx, uint32_t what, int pid, uint64_t inode, uint32_t netns, uint32_t kind, uint64_t ns) {
  unsigned char m[EV + 16 + 24];
  put_header(m, sizeof m, what, ns);
  uint32_t tgid = (uint32_t)pid;
  memcpy(m + EV + 16, &pid, 4);
  memcpy(m + EV + 20, &tgid, 4);
  memcpy(m + EV + 24, &inode, 8);
  memcpy(m + EV + 32, &netns, 4);
  memcpy(m + EV + 36, &kind, 4);
  emit(ctx, m, sizeof m);
}

// Whether the socket is TCP or UDP, from its protocol name (TCP, TCPv6, UDP, UDPv6).
static uint32_t inet_kind(int pid, const char* fd) {
  char path[300], name[32];
  snprintf(path, sizeof path, "/proc/%d/fd/%s", pid, fd);
  ssize_t n = getxattr(path, "system.sockprotoname", name, sizeof name - 1);
  if (n <= 0) return 0;
  name[n] = 0;
  static const char* const kinds[] = {"TCP", "TCPv6", "UDP", "UDPv6"};
  for (uint32_t k = 0; k < 4; k++)
    if (strcmp(name, kinds[k]) == 0) return k + 1;
  return 0;
}

// The inode of the process's network namespace (the socket is its namespace's); 0 if unknown.
static uint32_t netns_of(int pid) {
  char path[48];
  struct stat st;
  snprintf(path, sizeof path, "/proc/%d/ns/net", pid);
  return stat(path, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

// A whole small /proc file (at most TEXT_MAX bytes); its length, 0 when unreadable.
static size_t read_text(int pid, const char* name, char* buf) {
  char path[48];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, TEXT_MAX);
  close(fd);
  return n > 0 ? (size_t)n : 0;
}

// The process's identity, read the moment its first TCP or UDP socket is seen (microseconds
// after it appeared): a download can be over and the process gone before JavaScript could read
// it. Payload: pid, tgid, netns inode, uid (u32 each), then the lengths (u16) of the stat text,
// the command line and the exe path, two bytes of padding, and the three texts back to back.
static void emit_identity(young_emit emit, void* ctx, int pid, uint32_t netns, uint64_t ns) {
  static unsigned char m[EV + 16 + 24 + 3 * TEXT_MAX + 4];
  char status[TEXT_MAX], path[48];
  size_t at = EV + 16 + 24;
  uint16_t stat_len = (uint16_t)read_text(pid, "stat", (char*)m + at);
  if (stat_len == 0) return;
  uint16_t cmd_len = (uint16_t)read_text(pid, "cmdline", (char*)m + at + stat_len);
  snprintf(path, sizeof path, "/proc/%d/exe", pid);
  ssize_t exe = readlink(path, (char*)m + at + stat_len + cmd_len, TEXT_MAX);
  uint16_t exe_len = exe > 0 ? (uint16_t)exe : 0;
  size_t status_len = read_text(pid, "status", status);
  const char* uid_at = status_len > 0 ? memmem(status, status_len, "\nUid:", 5) : NULL;
  if (uid_at == NULL) return;
  uint32_t uid = (uint32_t)strtoul(uid_at + 5, NULL, 10), tgid = (uint32_t)pid;
  uint32_t len = (uint32_t)(at + stat_len + cmd_len + exe_len);
  put_header(m, len, BWTOP_IDENTITY, ns);
  uint32_t fields[4] = {(uint32_t)pid, tgid, netns, uid};
  memcpy(m + EV + 16, fields, 16);
  uint16_t lens[4] = {stat_len, cmd_len, exe_len, 0};
  memcpy(m + EV + 32, lens, 8);
  emit(ctx, m, len);
}

// One read of the process's descriptors; 0 when it is gone.
static int read_fds(YoungProcess* p, uint64_t now, young_emit emit, void* ctx) {
  DIR* dir = p->dir;
  if (dir == NULL) {  // opened once, then rewound: one getdents per read instead of three calls
    char path[48];
    snprintf(path, sizeof path, "/proc/%d/fd", p->pid);
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return 0;
    if ((dir = fdopendir(dfd)) == NULL) {
      close(dfd);
      return 0;
    }
    p->dir = dir;
  } else {
    rewinddir(dir);
  }
  int dfd = dirfd(dir), any = 0;
  for (int i = 0; i < p->nsockets; i++) p->sockets[i].present = 0;
  struct dirent* e;
  while ((e = readdir(dir)) != NULL) {
    any = 1;
    if (e->d_name[0] == '.') continue;
    // Standard input, output and error are taken to stay what they were at the first read (read
    // once: most programs hold nothing else then); any other descriptor is read every time, as
    // a program reuses the numbers of files it closed for the sockets it opens.
    int fd = atoi(e->d_name);
    uint64_t inode = 0;
    if (fd <= 2 && p->reads > 0) {
      inode = p->stdio_inode[fd];
    } else {
      char link[64];
      ssize_t n = readlinkat(dfd, e->d_name, link, sizeof link - 1);
      if (n > 8 && memcmp(link, "socket:[", 8) == 0) {
        link[n] = 0;
        inode = strtoull(link + 8, NULL, 10);
      }
      if (fd <= 2) p->stdio_inode[fd] = inode;
    }
    if (inode == 0) continue;
    YoungSocket* s = NULL;
    for (int i = 0; i < p->nsockets && s == NULL; i++)
      if (p->sockets[i].inode == inode) s = &p->sockets[i];
    if (s == NULL) {
      if (p->nsockets == YOUNG_SOCKETS) continue;
      s = &p->sockets[p->nsockets++];
      s->inode = inode;
      // What the first read finds was there at the exec (inherited), unless that read came late:
      // then it is reported as such (AT_EXEC), and JavaScript asks the parent.
      int late = p->reads == 0 && now - p->exec_ns > LATE_NS;
      uint32_t kind = p->reads > 0 || late ? inet_kind(p->pid, e->d_name) : 0;
      if (late && kind) kind |= AT_EXEC;
      s->inet = kind != 0;
      if (kind) {
        uint32_t netns = netns_of(p->pid);
        if (!p->identified) emit_identity(emit, ctx, p->pid, netns, now);
        p->identified = 1;
        emit_socket(emit, ctx, BWTOP_SOCKET_SEEN, p->pid, inode, netns, kind, now);
      }
    }
    s->present = 1;
    s->last_ns = now;
  }
  if (!any) {  // a process that has exited lists nothing, not even . and ..
    closedir(dir);
    p->dir = NULL;
    return 0;
  }
  for (int i = 0; i < p->nsockets; i++) {
    YoungSocket* s = &p->sockets[i];
    if (s->inet == 1 && !s->present) {
      uint32_t after_us = (uint32_t)((now - s->last_ns) / 1000);  // where the namespace goes for SEEN
      emit_socket(emit, ctx, BWTOP_SOCKET_GONE, p->pid, s->inode, after_us, 0, s->last_ns);
      s->inet = 2;  // reported
    }
  }
  p->reads++;
  return 1;
}

void young_read_due(YoungWatch* w, young_emit emit, void* ctx) {
  uint64_t now = now_ns();
  for (int i = 0; i < w->count;) {
    YoungProcess* p = &w->procs[i];
    if (p->next_ns > now + FIRST_STEP_NS / 2) {  // nearly due ones now too: fewer wake-ups
      i++;
      continue;
    }
    // A read can fail while the process is still alive (in the middle of its exec): only a
    // process that is gone ends its watch early.
    int alive = read_fds(p, now, emit, ctx) || kill(p->pid, 0) == 0;
    if (!alive || now - p->exec_ns > YOUNG_FOLLOW_NS) {
      drop(w, i);
      continue;
    }
    // A quarter of a millisecond at first, a tenth longer each time, at most 5 ms.
    uint64_t step = FIRST_STEP_NS;
    for (int k = 0; k < p->reads && step < MAX_STEP_NS; k++) step += step / 10;
    p->next_ns = now + (step < MAX_STEP_NS ? step : MAX_STEP_NS);
    i++;
  }
}
