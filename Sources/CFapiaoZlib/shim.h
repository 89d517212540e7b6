#ifndef CFAPIAO_ZLIB_SHIM_H
#define CFAPIAO_ZLIB_SHIM_H
#include <zlib.h>

/// zlib's init functions are macros that Swift cannot call; these wrappers pass the version and size.
static inline int cfapiao_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int cfapiao_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
