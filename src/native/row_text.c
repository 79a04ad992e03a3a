// A socket's row text for `connections --json`, equal to src/core/connections/json.ts's
// jsonSocketHead: addresses as inet_ntop writes them (as ss, and the JavaScript formatter, do),
// "a.b.c.d:port" or "[v6]:port". Written by hand rather than with snprintf: at 10,000 rows the
// format parsing was most of the time.
#define _GNU_SOURCE
#include "row_text.h"
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

static char* put(char* at, const char* s, size_t n) {
  memcpy(at, s, n);
  return at + n;
}

#define PUT(at, lit) put(at, lit, sizeof lit - 1)

static char* put_u32(char* at, unsigned v) {
  char tmp[10];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  while (n > 0) *at++ = tmp[--n];
  return at;
}

static char* put_endpoint(char* at, int family, const __be32* addr, __be16 port) {
  if (family == AF_INET) {
    const unsigned char* b = (const unsigned char*)addr;
    for (int i = 0; i < 4; i++) {
      if (i) *at++ = '.';
      at = put_u32(at, b[i]);
    }
  } else {
    char text[INET6_ADDRSTRLEN] = "";
    inet_ntop(AF_INET6, addr, text, sizeof text);
    *at++ = '[';
    at = put(at, text, strlen(text));
    *at++ = ']';
  }
  *at++ = ':';
  return put_u32(at, ntohs(port));
}

size_t row_head(char* out, const char* proto, const struct inet_diag_msg* d, const char* state) {
  int v6 = d->idiag_family == AF_INET6;
  char* at = PUT(out, "{\"proto\":\"");
  at = put(at, proto, strlen(proto));
  at = PUT(at, "\",\"family\":");
  *at++ = v6 ? '6' : '4';
  at = PUT(at, ",\"local\":\"");
  at = put_endpoint(at, v6 ? AF_INET6 : AF_INET, d->id.idiag_src, d->id.idiag_sport);
  at = PUT(at, "\",\"remote\":\"");
  at = put_endpoint(at, v6 ? AF_INET6 : AF_INET, d->id.idiag_dst, d->id.idiag_dport);
  at = PUT(at, "\",\"state\":\"");
  at = put(at, state, strnlen(state, 23));
  at = PUT(at, "\",\"inode\":");
  at = put_u32(at, d->idiag_inode);
  at = PUT(at, ",\"uid\":");
  at = put_u32(at, d->idiag_uid);
  at = PUT(at, ",\"processes\":[");
  return (size_t)(at - out);
}
