// The descriptor scan of fd_scan.c, shared with render_rows.c (which joins sockets to holders).
#ifndef BWTOP_FD_SCAN_H
#define BWTOP_FD_SCAN_H
#include <node_api.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  double* v;
  size_t len, cap;
} Out;

typedef struct {
  pthread_t thread;
  int started, joined;
  char root[4096];
  int32_t* pids;
  size_t npids;
  Out out;  // for each pid in order: its socket count (-1: unreadable), then its inodes
  int unlistable;  // root could not be listed
  int oom;
} Scan;

// Waits for the scan's thread (once).
void join_scan(Scan* s);

// Each file's functions for JavaScript, defined on the addon's exports.
void fd_scan_register(napi_env env, napi_value exports);
void sock_dump_register(napi_env env, napi_value exports);
void render_rows_register(napi_env env, napi_value exports);

#endif
