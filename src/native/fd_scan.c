// Every process's socket descriptors in one call, for the one-shot `bwtop connections`: on a host
// with 10,000 sockets, reading each fd link from JavaScript costs a call across into Node's fs
// binding, a string and an exception path each; here it is a readlinkat and a few compares.
// JavaScript API: fdSockets(root, pids: Int32Array) -> Float64Array: for each pid in order, the
// number of its socket inodes (-1: its descriptors could not be read) followed by the inodes.
// fdScanStart(root) lists the processes of `root` and scans them on a thread of its own, so the
// kernel's work runs on the second core while JavaScript loads modules and dumps socket tables;
// fdScanFinish(scan) waits for it -> { pids: Int32Array, sockets: Float64Array as above }, or
// null when `root` could not be listed.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fd_scan.h"

static int push(Out* o, double x) {
  if (o->len == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 4096;
    double* v = realloc(o->v, cap * sizeof *v);
    if (v == NULL) return 0;
    o->v = v;
    o->cap = cap;
  }
  o->v[o->len++] = x;
  return 1;
}

// Descriptors of one process read as links: sockets' inodes into `out`, until refused.
typedef struct {
  int dfd;
  const int* fds;
  size_t n;
  Out out;
  int refused, oom;
} Links;

static void* read_links(void* arg) {
  Links* l = arg;
  for (size_t i = 0; i < l->n; i++) {
    char name[16], link[64];
    snprintf(name, sizeof name, "%d", l->fds[i]);
    ssize_t len = readlinkat(l->dfd, name, link, sizeof link - 1);
    if (len < 0 && (errno == EACCES || errno == EPERM)) {
      l->refused = 1;  // refused: every link is
      break;
    }
    if (len <= 8 || memcmp(link, "socket:[", 8) != 0) continue;
    link[len] = 0;
    if (!push(&l->out, (double)strtoull(link + 8, NULL, 10))) {
      l->oom = 1;
      break;
    }
  }
  return NULL;
}

// A process with this many descriptors has the second half of its links read on a second thread
// (one process holding 10,000 connections is the case `connections` is timed on).
#define SPLIT_MIN 2048

// The numbers of a process's descriptors (its fd/ directory's names); -1 when unreadable.
static ssize_t list_fds(int dfd, int** fds) {
  DIR* dir = fdopendir(dup(dfd));
  if (dir == NULL) return -1;
  size_t n = 0, cap = 0;
  struct dirent* e;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      int* grown = realloc(*fds, cap * sizeof *grown);
      if (grown == NULL) break;
      *fds = grown;
    }
    (*fds)[n++] = atoi(e->d_name);
  }
  closedir(dir);
  return (ssize_t)n;
}

// One process: its count slot, then its socket inodes. 0 on memory exhaustion.
static int scan_pid(Out* o, const char* root, int32_t pid) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%d/fd", root, pid);
  size_t at = o->len;
  if (!push(o, -1)) return 0;
  int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return 1;  // gone, or not ours to read: -1
  int* fds = NULL;
  ssize_t n = list_fds(dfd, &fds);
  if (n < 0) {
    close(dfd);
    return 1;
  }
  size_t half = n >= SPLIT_MIN ? (size_t)n / 2 : (size_t)n;
  Links first = {dfd, fds, half, {0}, 0, 0}, second = {dfd, fds + half, (size_t)n - half, {0}, 0, 0};
  pthread_t helper;
  int split = half < (size_t)n && pthread_create(&helper, NULL, read_links, &second) == 0;
  if (!split) first.n = (size_t)n;
  read_links(&first);
  if (split) pthread_join(helper, NULL);
  close(dfd);
  free(fds);
  int ok = !first.oom && !second.oom;
  const Out* parts[2] = {&first.out, first.refused ? NULL : &second.out};
  for (int p = 0; p < 2 && ok; p++)
    for (size_t i = 0; parts[p] != NULL && i < parts[p]->len && ok; i++) ok = push(o, parts[p]->v[i]);
  o->v[at] = (double)(o->len - at - 1);
  free(first.out.v);
  free(second.out.v);
  return ok;
}

static napi_value float64_array(napi_env env, const Out* o) {
  napi_value buffer, result;
  void* copy = NULL;
  napi_create_arraybuffer(env, o->len * sizeof(double), &copy, &buffer);
  if (o->len > 0) memcpy(copy, o->v, o->len * sizeof(double));
  napi_create_typedarray(env, napi_float64_array, o->len, buffer, 0, &result);
  return result;
}

static napi_value fd_sockets(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char root[4096];
  size_t root_len = 0;
  napi_typedarray_type type;
  size_t count = 0;
  void* data = NULL;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], root, sizeof root, &root_len) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &type, &count, &data, NULL, NULL) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "fdSockets(root, pids: Int32Array)");
    return NULL;
  }
  const int32_t* pids = data;
  Out o = {0};
  for (size_t i = 0; i < count; i++) {
    if (!scan_pid(&o, root, pids[i])) {
      free(o.v);
      napi_throw_error(env, NULL, "out of memory reading descriptors");
      return NULL;
    }
  }
  napi_value result = float64_array(env, &o);
  free(o.v);
  return result;
}

// Names of processes in a procfs directory: digits, never a leading 0 (as the JavaScript lister).
static int is_pid_name(const char* s) {
  if (s[0] < '1' || s[0] > '9') return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

static void* scan_all(void* arg) {
  Scan* s = arg;
  DIR* d = opendir(s->root);
  if (d == NULL) {
    s->unlistable = 1;
    return NULL;
  }
  size_t cap = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (!is_pid_name(e->d_name)) continue;
    long pid = strtol(e->d_name, NULL, 10);
    if (pid > INT32_MAX) continue;
    if (s->npids == cap) {
      cap = cap ? cap * 2 : 1024;
      int32_t* grown = realloc(s->pids, cap * sizeof *grown);
      if (grown == NULL) {
        s->oom = 1;
        break;
      }
      s->pids = grown;
    }
    s->pids[s->npids++] = (int32_t)pid;
  }
  closedir(d);
  for (size_t i = 0; i < s->npids && !s->oom; i++)
    if (!scan_pid(&s->out, s->root, s->pids[i])) s->oom = 1;
  return NULL;
}

void join_scan(Scan* s) {
  if (s->started && !s->joined) pthread_join(s->thread, NULL);
  s->joined = 1;
}

static void free_scan(napi_env env, void* data, void* hint) {
  Scan* s = data;
  join_scan(s);
  free(s->pids);
  free(s->out.v);
  free(s);
}

static napi_value fd_scan_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Scan* s = calloc(1, sizeof *s);
  size_t len = 0;
  if (s == NULL || argc < 1 || napi_get_value_string_utf8(env, argv[0], s->root, sizeof s->root, &len) != napi_ok) {
    free(s);
    napi_throw_type_error(env, NULL, "fdScanStart(root)");
    return NULL;
  }
  napi_value handle;
  if (napi_create_external(env, s, free_scan, NULL, &handle) != napi_ok) {
    free(s);
    return NULL;
  }
  // No thread to be had: the scan runs when the result is asked for.
  s->started = pthread_create(&s->thread, NULL, scan_all, s) == 0;
  return handle;
}

static napi_value fd_scan_finish(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Scan* s = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], (void**)&s) != napi_ok || s == NULL) {
    napi_throw_type_error(env, NULL, "fdScanFinish(scan)");
    return NULL;
  }
  if (!s->started && !s->joined) scan_all(s);
  join_scan(s);
  napi_value result, pids;
  if (s->oom) {
    napi_throw_error(env, NULL, "out of memory reading descriptors");
    return NULL;
  }
  if (s->unlistable) {
    napi_get_null(env, &result);
    return result;
  }
  napi_value buffer;
  void* copy = NULL;
  napi_create_arraybuffer(env, s->npids * sizeof(int32_t), &copy, &buffer);
  if (s->npids > 0) memcpy(copy, s->pids, s->npids * sizeof(int32_t));
  napi_create_typedarray(env, napi_int32_array, s->npids, buffer, 0, &pids);
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "pids", pids);
  napi_set_named_property(env, result, "sockets", float64_array(env, &s->out));
  return result;
}

void fd_scan_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"fdSockets", NULL, fd_sockets, NULL, NULL, NULL, napi_default, NULL},
      {"fdScanStart", NULL, fd_scan_start, NULL, NULL, NULL, napi_default, NULL},
      {"fdScanFinish", NULL, fd_scan_finish, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 3, props);
}
