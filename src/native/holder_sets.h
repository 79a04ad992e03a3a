// Sockets' holders (holder_sets.c), as src/core/connections/owners.ts builds them.
#ifndef BWTOP_HOLDER_SETS_H
#define BWTOP_HOLDER_SETS_H
#include <stddef.h>
#include <stdint.h>
#include "fd_scan.h"

typedef struct {
  int32_t* v;
  size_t len, cap;
} Ints;

int ints_push(Ints* a, int32_t x);

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

// The table's slot of `key`: where it is, or the empty slot where it would go.
size_t slot_of(uint64_t* keys, size_t mask, uint64_t key);

// inode -> holders from the scan. 0 on memory exhaustion (free the arrays either way).
int build_holders(const Scan* s, Holders* h);

#endif
