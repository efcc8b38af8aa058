#ifndef ND_CZLIB_SHIM_H
#define ND_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2/inflateInit2 are macros; wrap them so Swift can call them. */
static inline int nd_deflate_init_gzip(z_stream *s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int nd_inflate_init_gzip(z_stream *s) {
    /* 32 + 15: accept gzip or zlib headers. */
    return inflateInit2(s, 15 + 32);
}
#endif
