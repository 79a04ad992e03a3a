// One socket's row text for `connections --json` (row_text.c), used by render_rows.c.
#ifndef BWTOP_ROW_TEXT_H
#define BWTOP_ROW_TEXT_H
#include <linux/inet_diag.h>
#include <stddef.h>

// The longest text row_head writes (two IPv6 endpoints, a 23-byte state name, two u32).
#define ROW_HEAD_MAX 320

// Writes the row's JSON up to and including `"processes":[` at `out` (ROW_HEAD_MAX bytes of room);
// returns its length. `proto` is "tcp" or "udp"; `state` the state's name.
size_t row_head(char* out, const char* proto, const struct inet_diag_msg* d, const char* state);

#endif
