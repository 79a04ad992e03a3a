// One socket table's sock_diag dump (NETLINK_SOCK_DIAG, inet_diag) read whole in one call, for
// the one-shot `bwtop connections`: no event-loop round trip per datagram, and no JavaScript
// package to load for it. The reply datagrams are handed back as they came (decoded by
// src/core/netlink/sock-diag.ts, as the engine's dumps are), so both paths yield the same rows.
// A dump of another network namespace opens its socket on a short-lived thread that entered the
// namespace first (setns changes only the calling thread; a socket stays in the namespace it was
// made in), after checking the namespace file is the one asked for (its pid may have been reused).
// JavaScript API: sockDiagDump(family, protocol, states, seq[, nsPath, nsInode]) -> Buffer of the
// reply datagrams up to NLMSG_DONE; throws an Error with `step` (namespace, socket, send,
// receive, answer: the kernel's NLMSG_ERROR) and `errno`.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <node_api.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

// The kernel sizes dump datagrams by the reader's buffer, up to 32 KiB.
#define DATAGRAM 32768

typedef struct {
  const char* ns_path;
  double ns_inode;  // < 0: not checked
  int fd;           // the socket, or -1
  int err;          // errno of the failed step
  const char* step;
} Opener;

static void* open_socket(void* arg) {
  Opener* o = arg;
  if (o->ns_path != NULL) {
    int ns = open(o->ns_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (ns < 0 || fstat(ns, &st) != 0) {
      o->err = errno;
      o->step = "namespace";
      if (ns >= 0) close(ns);
      return NULL;
    }
    int moved = o->ns_inode >= 0 && (double)st.st_ino != o->ns_inode;
    int entered = !moved && setns(ns, CLONE_NEWNET) == 0;
    if (!entered) {
      o->err = moved ? ESRCH : errno;
      o->step = "namespace";
      close(ns);
      return NULL;
    }
    close(ns);
  }
  o->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (o->fd < 0) {
    o->err = errno;
    o->step = "socket";
  }
  return NULL;
}

static napi_value fail(napi_env env, const char* step, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", step, strerror(err));
  napi_value code, text, error, name;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_string_utf8(env, step, NAPI_AUTO_LENGTH, &name);
  napi_create_int32(env, err, &code);
  napi_create_error(env, NULL, text, &error);
  napi_set_named_property(env, error, "errno", code);
  napi_set_named_property(env, error, "step", name);
  napi_throw(env, error);
  return NULL;
}

// Whether a datagram ends the answer to `seq`: 0 no, -1 by NLMSG_DONE (or an error message
// saying 0), else the errno of the kernel's NLMSG_ERROR.
static int ends_answer(const char* buf, size_t len, uint32_t seq) {
  for (const struct nlmsghdr* h = (const void*)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
    if (h->nlmsg_seq != seq) continue;
    if (h->nlmsg_type == NLMSG_DONE) return -1;
    if (h->nlmsg_type == NLMSG_ERROR) {
      const struct nlmsgerr* e = NLMSG_DATA(h);
      int err = h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ? -e->error : 0;
      return err > 0 ? err : -1;
    }
  }
  return 0;
}

static void free_reply(napi_env env, void* data, void* hint) {
  free(data);
}

static napi_value sock_diag_dump(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t family = 0, protocol = 0, states = 0, seq = 0;
  char ns_path[4096];
  size_t ns_len = 0;
  Opener o = {NULL, -1, -1, 0, NULL};
  if (argc < 4 || napi_get_value_uint32(env, argv[0], &family) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &protocol) != napi_ok || napi_get_value_uint32(env, argv[2], &states) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &seq) != napi_ok) {
    napi_throw_type_error(env, NULL, "sockDiagDump(family, protocol, states, seq[, nsPath, nsInode])");
    return NULL;
  }
  if (argc >= 6 && napi_get_value_string_utf8(env, argv[4], ns_path, sizeof ns_path, &ns_len) == napi_ok) {
    o.ns_path = ns_path;
    napi_get_value_double(env, argv[5], &o.ns_inode);
  }
  if (o.ns_path == NULL) {
    open_socket(&o);
  } else {
    pthread_t t;
    if (pthread_create(&t, NULL, open_socket, &o) != 0) return fail(env, "thread", EAGAIN);
    pthread_join(t, NULL);
  }
  if (o.fd < 0) return fail(env, o.step, o.err);
  int fd = o.fd;
  // The kernel always answers a dump; a bound on the wait all the same, so nothing hangs forever.
  struct timeval limit = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);

  struct {
    struct nlmsghdr h;
    struct inet_diag_req_v2 r;
  } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = seq;
  req.r.sdiag_family = (uint8_t)family;
  req.r.sdiag_protocol = (uint8_t)protocol;
  req.r.idiag_states = states;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, &req, sizeof req, 0, (struct sockaddr*)&kernel, sizeof kernel) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "send", err);
  }

  char* out = NULL;
  size_t used = 0, cap = 0;
  for (;;) {
    if (cap - used < DATAGRAM) {
      // Large from the start: pages never written cost nothing, and a copy to grow costs each page.
      size_t grown_cap = cap ? cap * 2 : 128 * DATAGRAM;
      char* grown = realloc(out, grown_cap);
      if (grown == NULL) {
        free(out);
        close(fd);
        return fail(env, "memory", ENOMEM);
      }
      out = grown;
      cap = grown_cap;
    }
    ssize_t got = recv(fd, out + used, DATAGRAM, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      int err = got < 0 ? errno : EPIPE;
      free(out);
      close(fd);
      return fail(env, "receive", err);
    }
    int last = ends_answer(out + used, (size_t)got, seq);
    used += (size_t)got;
    if (last > 0) {
      free(out);
      close(fd);
      return fail(env, "answer", last);
    }
    if (last) break;
  }
  close(fd);
  napi_value result;
  napi_create_external_buffer(env, used, out, free_reply, NULL, &result);
  return result;
}

void sock_dump_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"sockDiagDump", NULL, sock_diag_dump, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 1, props);
}
