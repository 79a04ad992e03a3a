// The kernel's process events (NETLINK_CONNECTOR, CN_IDX_PROC), read by a thread of their own.
// The kernel drops events (ENOBUFS) when a listener falls behind, and bwtop's JavaScript thread is
// busy for milliseconds at a time, which a fork storm outlasts: this thread only drains the socket
// into a bounded buffer, and JavaScript takes batches when it is free. A loss is counted and
// reported, never fatal (the general netlink package aborted the process on an overrun).
// JavaScript API (src/adapters/netlink-events.ts):
//   open(receiveBufferBytes, subscribeMessage, onBatch, startDelayMs) -> handle; onBatch(data, lost,
//   errno) runs on the main thread with the datagrams since the last call (NLMSG_ALIGN'ed, back to
//   back) or null, the losses seen, and a fatal receive errno (0 if none). startDelayMs holds the
//   reader back after subscribing (tests overflow the socket with it).
//   close(handle, unsubscribeMessage)
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <node_api.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "young_sockets.h"

#define CN_IDX_PROC 1
// Events waiting for JavaScript, at most (about 200,000 events); beyond, they count as lost.
#define PENDING_MAX (16u << 20)
#define DATAGRAM_MAX 65536

typedef struct {
  int fd;
  int wake;  // eventfd: close() wakes the reader with it
  int start_delay_ms;
  pthread_t thread;
  int thread_started;
  pthread_mutex_t lock;
  unsigned char* pending;
  size_t len, cap;
  uint32_t lost;
  int fatal;     // errno that stopped the reader
  int notified;  // a call into JavaScript is queued
  int closed;
  napi_threadsafe_function tsfn;
  YoungWatch young;  // only the reader thread touches it
} Reader;

static void notify_locked(Reader* r) {
  if (r->notified || r->closed) return;
  r->notified = 1;
  napi_call_threadsafe_function(r->tsfn, NULL, napi_tsfn_nonblocking);
}

static void append(Reader* r, const unsigned char* data, size_t n) {
  if (young_is_thread_event(data, n)) return;  // threads are not processes: JavaScript needs none
  size_t padded = (n + 3) & ~(size_t)3;  // NLMSG_ALIGN: the parser steps by aligned lengths
  pthread_mutex_lock(&r->lock);
  if (r->len + padded > PENDING_MAX) {
    r->lost++;
  } else {
    if (r->len + padded > r->cap) {
      size_t cap = r->cap ? r->cap : 65536;
      while (cap < r->len + padded) cap *= 2;
      unsigned char* p = realloc(r->pending, cap);
      if (p == NULL) {
        r->lost++;
        goto out;
      }
      r->pending = p;
      r->cap = cap;
    }
    memcpy(r->pending + r->len, data, n);
    memset(r->pending + r->len + n, 0, padded - n);
    r->len += padded;
  }
out:
  notify_locked(r);
  pthread_mutex_unlock(&r->lock);
}

static void emit_young(void* ctx, const unsigned char* msg, size_t len) {
  append(ctx, msg, len);
}

static void* read_events(void* arg) {
  Reader* r = arg;
  static __thread unsigned char datagram[DATAGRAM_MAX];
  struct pollfd fds[2] = {{.fd = r->fd, .events = POLLIN}, {.fd = r->wake, .events = POLLIN}};
  if (r->start_delay_ms > 0) {
    if (poll(&fds[1], 1, r->start_delay_ms) > 0) return NULL;
  }
  for (;;) {
    // Woken by events, or when a young program's descriptors are due (young_sockets.c).
    int64_t wait = young_wait_ns(&r->young);
    struct timespec ts = {wait / 1000000000, wait % 1000000000};
    if (ppoll(fds, 2, wait < 0 ? NULL : &ts, NULL) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents) break;
    // Readable, or POLLERR after an overrun: recv returns the pending error once, then data.
    for (;;) {
      ssize_t n = recv(r->fd, datagram, sizeof datagram, MSG_DONTWAIT);
      if (n >= 0) {
        if (n > 0) {
          young_note(&r->young, datagram, (size_t)n);
          append(r, datagram, (size_t)n);
        }
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      pthread_mutex_lock(&r->lock);
      if (errno == ENOBUFS) {
        r->lost++;
        notify_locked(r);
        pthread_mutex_unlock(&r->lock);
        continue;
      }
      r->fatal = errno;
      notify_locked(r);
      pthread_mutex_unlock(&r->lock);
      return NULL;
    }
    young_read_due(&r->young, emit_young, r);
  }
  return NULL;
}

// Runs on the main thread: hand over what the reader collected.
static void call_js(napi_env env, napi_value js_cb, void* context, void* data) {
  (void)data;
  Reader* r = context;
  if (env == NULL || js_cb == NULL) return;
  pthread_mutex_lock(&r->lock);
  unsigned char* pending = r->pending;
  size_t len = r->len;
  uint32_t lost = r->lost;
  int fatal = r->fatal;
  int closed = r->closed;
  r->pending = NULL;
  r->len = r->cap = 0;
  r->lost = 0;
  r->notified = 0;
  pthread_mutex_unlock(&r->lock);
  if (!closed) {
    napi_value argv[3], undefined;
    if (len > 0) napi_create_buffer_copy(env, len, pending, NULL, &argv[0]);
    else napi_get_null(env, &argv[0]);
    napi_create_uint32(env, lost, &argv[1]);
    napi_create_int32(env, fatal, &argv[2]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, js_cb, 3, argv, NULL);
  }
  free(pending);
}

static void finalize_reader(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  Reader* r = data;
  pthread_mutex_destroy(&r->lock);
  free(r->pending);
  free(r);
}

static napi_value throw_errno(napi_env env, const char* what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value m, e, code;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, NULL, m, &e);
  napi_create_int32(env, err, &code);
  napi_set_named_property(env, e, "errno", code);
  napi_throw(env, e);
  return NULL;
}

// Closes what open_reader made so far (-1: not made) and throws.
static napi_value open_failed(napi_env env, const char* what, int err, int fd, int wake) {
  if (fd >= 0) close(fd);
  if (wake >= 0) close(wake);
  return throw_errno(env, what, err);
}

static int send_message(int fd, const void* msg, size_t len) {
  struct sockaddr_nl to = {.nl_family = AF_NETLINK};
  ssize_t n;
  do n = sendto(fd, msg, len, 0, (struct sockaddr*)&to, sizeof to);
  while (n < 0 && errno == EINTR);
  return n < 0 ? errno : 0;
}

// Stops the reader thread and closes its sockets; true the first time.
static int stop_reader(Reader* r, const void* unsubscribe, size_t unsubscribe_len) {
  pthread_mutex_lock(&r->lock);
  int closed = r->closed;
  r->closed = 1;
  pthread_mutex_unlock(&r->lock);
  if (closed) return 0;
  // Unsubscribe first: the kernel counts listeners and builds events while any remain.
  if (unsubscribe != NULL) send_message(r->fd, unsubscribe, unsubscribe_len);
  uint64_t one = 1;
  if (write(r->wake, &one, sizeof one) < 0) { /* the reader also stops when the socket closes */ }
  if (r->thread_started) pthread_join(r->thread, NULL);
  close(r->fd);
  close(r->wake);
  return 1;
}

// At exit of a Node environment never closed by JavaScript: the thread must be gone before the
// thread-safe function (and with it the reader's memory) is finalised.
static void cleanup_at_exit(void* arg) {
  stop_reader(arg, NULL, 0);
}

static napi_value open_reader(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t rcvbuf = 0, start_delay = 0;
  void* subscribe = NULL;
  size_t subscribe_len = 0;
  if (argc < 4 || napi_get_value_int32(env, argv[0], &rcvbuf) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &subscribe, &subscribe_len) != napi_ok ||
      napi_get_value_int32(env, argv[3], &start_delay) != napi_ok) {
    napi_throw_type_error(env, NULL, "open(receiveBufferBytes, subscribeMessage, onBatch, startDelayMs)");
    return NULL;
  }
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd < 0) return throw_errno(env, "socket", errno);
  struct sockaddr_nl local = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
  if (bind(fd, (struct sockaddr*)&local, sizeof local) < 0) return open_failed(env, "bind", errno, fd, -1);
  // Root may go beyond net.core.rmem_max (SO_RCVBUFFORCE); others get what the limit allows.
  if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) return open_failed(env, "eventfd", errno, fd, -1);
  int err = send_message(fd, subscribe, subscribe_len);
  if (err != 0) return open_failed(env, "subscribe", err, fd, wake);
  Reader* r = calloc(1, sizeof *r);
  r->fd = fd;
  r->wake = wake;
  r->start_delay_ms = start_delay;
  pthread_mutex_init(&r->lock, NULL);
  napi_value name;
  napi_create_string_utf8(env, "bwtop process events", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, r, finalize_reader, r, call_js, &r->tsfn) != napi_ok) {
    pthread_mutex_destroy(&r->lock);
    free(r);
    return open_failed(env, "the process events callback", ENOMEM, fd, wake);
  }
  // The reader must not keep bwtop running: it lives as long as the handle is open.
  napi_unref_threadsafe_function(env, r->tsfn);
  err = pthread_create(&r->thread, NULL, read_events, r);
  if (err != 0) {
    napi_release_threadsafe_function(r->tsfn, napi_tsfn_abort);  // frees the reader
    return open_failed(env, "the process events reader thread", err, fd, wake);
  }
  r->thread_started = 1;
  pthread_setname_np(r->thread, "bwtop-events");  // what `top -H` shows
  napi_add_env_cleanup_hook(env, cleanup_at_exit, r);
  napi_value handle;
  napi_create_external(env, r, NULL, NULL, &handle);
  return handle;
}

static napi_value close_reader(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Reader* r = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], (void**)&r) != napi_ok || r == NULL) return NULL;
  void* unsubscribe = NULL;
  size_t unsubscribe_len = 0;
  if (argc < 2 || napi_get_buffer_info(env, argv[1], &unsubscribe, &unsubscribe_len) != napi_ok) unsubscribe = NULL;
  if (!stop_reader(r, unsubscribe, unsubscribe_len)) return NULL;
  napi_remove_env_cleanup_hook(env, cleanup_at_exit, r);
  // Frees the reader once calls already queued have run (they see `closed` and do nothing).
  napi_release_threadsafe_function(r->tsfn, napi_tsfn_release);
  return NULL;
}

#include "fd_scan.h"  // the one-shot command's functions register themselves

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, open_reader, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_reader, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  fd_scan_register(env, exports);
  sock_dump_register(env, exports);
  render_rows_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
