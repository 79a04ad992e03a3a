// Every process's socket descriptors in one call, for the one-shot `bwtop connections`: on a host
// with 10,000 sockets, reading each fd link from JavaScript costs a call across into Node's fs
// binding, a string and an exception path each; here it is a readlinkat and a few compares.
// JavaScript API: fdSockets(root, pids: Int32Array) -> Float64Array: for each pid in order, the
// number of its socket inodes (-1: its descriptors could not be read) followed by the inodes.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  double* v;
  size_t len, cap;
} Out;

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

// One process: its count slot, then its socket inodes. 0 on memory exhaustion.
static int scan_pid(Out* o, const char* root, int32_t pid) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%d/fd", root, pid);
  size_t at = o->len;
  if (!push(o, -1)) return 0;
  int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return 1;  // gone, or not ours to read: -1
  DIR* dir = fdopendir(dfd);
  if (dir == NULL) {
    close(dfd);
    return 1;
  }
  double n = 0;
  struct dirent* e;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char link[64];
    ssize_t len = readlinkat(dfd, e->d_name, link, sizeof link - 1);
    if (len < 0 && (errno == EACCES || errno == EPERM)) break;  // refused: every link is
    if (len <= 8 || memcmp(link, "socket:[", 8) != 0) continue;
    link[len] = 0;
    if (!push(o, (double)strtoull(link + 8, NULL, 10))) {
      closedir(dir);
      return 0;
    }
    n++;
  }
  closedir(dir);
  o->v[at] = n;
  return 1;
}

napi_value fd_sockets(napi_env env, napi_callback_info info) {
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
  napi_value buffer, result;
  void* copy = NULL;
  napi_create_arraybuffer(env, o.len * sizeof(double), &copy, &buffer);
  if (o.len > 0) memcpy(copy, o.v, o.len * sizeof(double));
  free(o.v);
  napi_create_typedarray(env, napi_float64_array, o.len, buffer, 0, &result);
  return result;
}
