// `connections --json` rows made in C: the sockets of dumped tables (sock_dump.c) joined to the
// processes holding them (fd_scan.c) and written as the JSON each row starts with. For a one-shot
// command JavaScript runs cold, and at 10,000 sockets decoding and formatting each row there cost
// more than the kernel's work; here it is a few snprintf calls per row.
// JavaScript API:
//   renderRows(scan, replies: Buffer[], keep: Uint32Array) -> { sets: Int32Array, rows }: the rows
//     of each reply (a table's datagrams) whose state number n has bit n of keep[i] set. `sets`
//     lists the distinct holder sets as [count, pids ascending...] each, set k (1-based); set 0 is
//     "no holder".
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
#include "row_text.h"

typedef struct {
  int32_t* v;
  size_t len, cap;
} Ints;

static int ints_push(Ints* a, int32_t x) {
  if (a->len == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 1024;
    int32_t* v = realloc(a->v, cap * sizeof *v);
    if (v == NULL) return 0;
    a->v = v;
    a->cap = cap;
  }
  a->v[a->len++] = x;
  return 1;
}

// Holder sets as [count, pids...] runs (set k starts at starts[k - 1]); inode -> set in a table.
typedef struct {
  Ints flat, starts;
  uint64_t* keys;  // inode, 0: empty slot
  int32_t* ids;
  size_t mask;
  // (set, pid) -> the set with pid added: processes sharing sockets share many (a pre-fork server).
  uint64_t* grow_keys;
  int32_t* grow_ids;
} Holders;

static size_t slot_of(uint64_t* keys, size_t mask, uint64_t key) {
  size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 17) & mask;
  while (keys[i] != 0 && keys[i] != key) i = (i + 1) & mask;
  return i;
}

static int32_t new_set(Holders* h, const int32_t* pids, int32_t n) {
  if (!ints_push(&h->starts, (int32_t)h->flat.len) || !ints_push(&h->flat, n)) return -1;
  for (int32_t i = 0; i < n; i++)
    if (!ints_push(&h->flat, pids[i])) return -1;
  return (int32_t)h->starts.len;
}

// The set `id` with `pid` added (ascending), made once per (set, pid). -1 on memory exhaustion.
static int32_t grown_set(Holders* h, int32_t id, int32_t pid) {
  uint64_t key = ((uint64_t)(uint32_t)id << 32) | (uint32_t)pid;
  size_t i = slot_of(h->grow_keys, h->mask, key);
  if (h->grow_keys[i] == key) return h->grow_ids[i];
  const int32_t* set = h->flat.v + h->starts.v[id - 1];
  int32_t n = set[0];
  int32_t* pids = malloc((size_t)(n + 1) * sizeof *pids);
  if (pids == NULL) return -1;
  int32_t k = 0;
  for (int32_t j = 1; j <= n && set[j] < pid; j++) pids[k++] = set[j];
  pids[k++] = pid;
  for (int32_t j = k; j <= n; j++) pids[k++] = set[j];
  int32_t made = new_set(h, pids, n + 1);
  free(pids);
  h->grow_keys[i] = key;
  h->grow_ids[i] = made;
  return made;
}

static int32_t set_has(const Holders* h, int32_t id, int32_t pid) {
  const int32_t* set = h->flat.v + h->starts.v[id - 1];
  for (int32_t j = 1; j <= set[0]; j++)
    if (set[j] == pid) return 1;
  return 0;
}

// inode -> holders from the scan, as src/core/connections/owners.ts builds them. 0 on exhaustion.
static int build_holders(const Scan* s, Holders* h) {
  size_t total = 0, at = 0;
  for (size_t i = 0; i < s->npids; i++) {
    double n = s->out.v[at++];
    if (n > 0) at += (size_t)n, total += (size_t)n;
  }
  size_t cap = 1024;
  while (cap < 2 * total) cap *= 2;
  h->mask = cap - 1;
  h->keys = calloc(cap, sizeof *h->keys);
  h->ids = calloc(cap, sizeof *h->ids);
  h->grow_keys = calloc(cap, sizeof *h->grow_keys);
  h->grow_ids = calloc(cap, sizeof *h->grow_ids);
  if (!h->keys || !h->ids || !h->grow_keys || !h->grow_ids) return 0;
  at = 0;
  for (size_t i = 0; i < s->npids; i++) {
    double n = s->out.v[at++];
    if (n <= 0) continue;
    int32_t pid = s->pids[i], alone = 0;
    for (size_t j = 0; j < (size_t)n; j++) {
      uint64_t inode = (uint64_t)s->out.v[at + j];
      if (inode == 0) continue;
      size_t k = slot_of(h->keys, h->mask, inode);
      if (h->keys[k] == 0) {
        if (alone == 0 && (alone = new_set(h, &pid, 1)) < 0) return 0;
        h->keys[k] = inode;
        h->ids[k] = alone;
      } else if (!set_has(h, h->ids[k], pid)) {
        if ((h->ids[k] = grown_set(h, h->ids[k], pid)) < 0) return 0;
      }
    }
    at += (size_t)n;
  }
  return 1;
}

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
