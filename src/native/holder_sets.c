// Sockets' holders for render_rows.c: inode -> the set of processes holding it, from the
// descriptor scan, each distinct set once (a socket shared by a pre-fork server's processes).
#include "holder_sets.h"
#include <stdlib.h>
#include <string.h>

int ints_push(Ints* a, int32_t x) {
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

size_t slot_of(uint64_t* keys, size_t mask, uint64_t key) {
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
int build_holders(const Scan* s, Holders* h) {
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

