// `connections --json` rows made in C: the sockets of dumped tables (sock_dump.c) joined to the
// processes holding them (fd_scan.c) and written as the JSON each row starts with. For a one-shot
// command JavaScript runs cold, and at 10,000 sockets decoding and formatting each row there cost
// more than the kernel's work; here it is a few snprintf calls per row.
// JavaScript API:
//   renderRows(scan, replies: Buffer[], keep: Uint32Array) -> { sets: Int32Array, rows }: the rows
//     of each reply (a table's datagrams) whose state number n has bit n of keep[i] set. `sets`
//     lists the distinct holder sets as [count, pids ascending...] each, set k (1-based), the
//     count negative when no selected row has the set; set 0 is "no holder".
//   writeRows(rows, replies, protos: string[], names: string[], tails: Array<Buffer | null>)
//     -> { text: Buffer, count }: the same replies, each one's protocol name and 32 state names
//     (names[32 * i + n]); every row whose set's tail (what follows `"processes":[`) is not null,
//     joined by ",\n".
// A row's text is row_text.c's.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fd_scan.h"
#include "holder_sets.h"
#include "row_text.h"

// Per selected row: its table (the reply's index), where its message starts, its holder set.
typedef struct {
  Ints v;
} Rows;

static void free_rows(napi_env env, void* data, void* hint) {
  Rows* r = data;
  free(r->v.v);
  free(r);
}

static void free_text(napi_env env, void* data, void* hint) {
  free(data);
}

// One table's selected rows. 0 on memory exhaustion.
static int select_rows(Rows* r, const Holders* h, int32_t table, const char* buf, size_t len, uint32_t keep) {
  for (const struct nlmsghdr* m = (const void*)buf; NLMSG_OK(m, len); m = NLMSG_NEXT(m, len)) {
    if (m->nlmsg_type != SOCK_DIAG_BY_FAMILY || m->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) continue;
    const struct inet_diag_msg* d = NLMSG_DATA(m);
    // The kernel's states are below 16; one beyond the names given is never selected.
    if (d->idiag_state >= 32 || !(keep >> d->idiag_state & 1)) continue;
    int32_t set = 0;
    if (d->idiag_inode != 0) {
      size_t k = slot_of(h->keys, h->mask, d->idiag_inode);
      if (h->keys[k] != 0) set = h->ids[k];
    }
    int32_t at = (int32_t)((const char*)m - buf);
    if (!ints_push(&r->v, table) || !ints_push(&r->v, at) || !ints_push(&r->v, set)) return 0;
  }
  return 1;
}

static napi_value throw_oom(napi_env env) {
  napi_throw_error(env, NULL, "out of memory rendering rows");
  return NULL;
}

static napi_value render_rows(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Scan* s = NULL;
  uint32_t tables = 0;
  napi_typedarray_type type;
  size_t nkeep = 0;
  void* keep = NULL;
  if (argc < 3 || napi_get_value_external(env, argv[0], (void**)&s) != napi_ok || s == NULL ||
      napi_get_array_length(env, argv[1], &tables) != napi_ok ||
      napi_get_typedarray_info(env, argv[2], &type, &nkeep, &keep, NULL, NULL) != napi_ok || type != napi_uint32_array ||
      nkeep < tables) {
    napi_throw_type_error(env, NULL, "renderRows(scan, replies, keep)");
    return NULL;
  }
  join_scan(s);
  Holders h = {0};
  Rows* r = calloc(1, sizeof *r);
  int ok = r != NULL && !s->oom && !s->unlistable && build_holders(s, &h);
  for (uint32_t t = 0; ok && t < tables; t++) {
    napi_value reply;
    void* data = NULL;
    size_t len = 0;
    napi_get_element(env, argv[1], t, &reply);
    if (napi_get_buffer_info(env, reply, &data, &len) != napi_ok) continue;
    ok = select_rows(r, &h, (int32_t)t, data, len, ((const uint32_t*)keep)[t]);
  }
  napi_value result = NULL, sets, handle, buffer;
  void* copy = NULL;
  if (ok) {
    napi_create_arraybuffer(env, h.flat.len * sizeof(int32_t), &copy, &buffer);
    if (h.flat.len > 0) memcpy(copy, h.flat.v, h.flat.len * sizeof(int32_t));
    // A set no selected row has (a process holding only other sockets) is marked by a negative
    // count: its processes need not be read.
    int32_t* marked = copy;
    for (size_t k = 0; k < h.starts.len; k++) marked[h.starts.v[k]] = -marked[h.starts.v[k]];
    for (size_t i = 0; i + 2 < r->v.len; i += 3) {
      int32_t set = r->v.v[i + 2];
      if (set > 0 && marked[h.starts.v[set - 1]] < 0) marked[h.starts.v[set - 1]] = -marked[h.starts.v[set - 1]];
    }
    napi_create_typedarray(env, napi_int32_array, h.flat.len, buffer, 0, &sets);
    napi_create_external(env, r, free_rows, NULL, &handle);
    napi_create_object(env, &result);
    napi_set_named_property(env, result, "sets", sets);
    napi_set_named_property(env, result, "rows", handle);
  } else if (r != NULL) {
    free_rows(env, r, NULL);
  }
  free(h.flat.v);
  free(h.starts.v);
  free(h.keys);
  free(h.ids);
  free(h.grow_keys);
  free(h.grow_ids);
  return ok ? result : throw_oom(env);
}

// The texts writeRows reads: each reply's bytes, protocol and state names, each set's tail.
typedef struct {
  const char* data[8];
  size_t len[8];
  char proto[8][8];
  char names[8][32][24];
  const char** tail;
  size_t* tail_len;
  uint32_t ntails;
} Inputs;

static int read_inputs(napi_env env, napi_value* argv, Inputs* in) {
  uint32_t tables = 0;
  if (napi_get_array_length(env, argv[1], &tables) != napi_ok || tables > 8 ||
      napi_get_array_length(env, argv[4], &in->ntails) != napi_ok)
    return 0;
  for (uint32_t t = 0; t < tables; t++) {
    napi_value v;
    size_t got = 0;
    void* data = NULL;
    napi_get_element(env, argv[1], t, &v);
    if (napi_get_buffer_info(env, v, &data, &in->len[t]) == napi_ok) in->data[t] = data;
    napi_get_element(env, argv[2], t, &v);
    napi_get_value_string_utf8(env, v, in->proto[t], sizeof in->proto[t], &got);
    for (uint32_t n = 0; n < 32; n++) {
      napi_get_element(env, argv[3], 32 * t + n, &v);
      napi_get_value_string_utf8(env, v, in->names[t][n], sizeof in->names[t][n], &got);
    }
  }
  in->tail = calloc(in->ntails + 1, sizeof *in->tail);
  in->tail_len = calloc(in->ntails + 1, sizeof *in->tail_len);
  if (in->tail == NULL || in->tail_len == NULL) return 0;
  for (uint32_t k = 0; k < in->ntails; k++) {
    napi_value v;
    void* data = NULL;
    napi_get_element(env, argv[4], k, &v);
    if (napi_get_buffer_info(env, v, &data, &in->tail_len[k]) == napi_ok) in->tail[k] = data;
  }
  return 1;
}

static napi_value write_rows(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Rows* r = NULL;
  Inputs in = {0};
  if (argc < 5 || napi_get_value_external(env, argv[0], (void**)&r) != napi_ok || r == NULL) {
    napi_throw_type_error(env, NULL, "writeRows(rows, replies, protos, names, tails)");
    return NULL;
  }
  if (!read_inputs(env, argv, &in)) {
    free(in.tail);
    free(in.tail_len);
    return throw_oom(env);
  }
  // Room for the longest text each row can have: the pages past what is written are never touched.
  size_t room = 1;
  for (size_t i = 0; i + 2 < r->v.len; i += 3) {
    int32_t set = r->v.v[i + 2];
    if ((uint32_t)set < in.ntails && in.tail[set] != NULL) room += 2 + ROW_HEAD_MAX + in.tail_len[set];
  }
  char* out = malloc(room);
  if (out == NULL) {
    free(in.tail);
    free(in.tail_len);
    return throw_oom(env);
  }
  size_t at = 0, count = 0;
  for (size_t i = 0; i + 2 < r->v.len; i += 3) {
    int32_t table = r->v.v[i], set = r->v.v[i + 2];
    if ((uint32_t)set >= in.ntails || in.tail[set] == NULL || in.data[table] == NULL) continue;
    const struct inet_diag_msg* d = NLMSG_DATA((const struct nlmsghdr*)(in.data[table] + r->v.v[i + 1]));
    if (count++) memcpy(out + at, ",\n", 2), at += 2;
    at += row_head(out + at, in.proto[table], d, in.names[table][d->idiag_state]);
    memcpy(out + at, in.tail[set], in.tail_len[set]);
    at += in.tail_len[set];
  }
  free(in.tail);
  free(in.tail_len);
  napi_value text, result, n;
  napi_create_external_buffer(env, at, out, free_text, NULL, &text);
  napi_create_object(env, &result);
  napi_create_uint32(env, (uint32_t)count, &n);
  napi_set_named_property(env, result, "text", text);
  napi_set_named_property(env, result, "count", n);
  return result;
}

void render_rows_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"renderRows", NULL, render_rows, NULL, NULL, NULL, napi_default, NULL},
      {"writeRows", NULL, write_rows, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
}
