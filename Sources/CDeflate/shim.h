#ifndef ND_CDEFLATE_SHIM_H
#define ND_CDEFLATE_SHIM_H
/* libdeflate: whole-buffer DEFLATE, about twice zlib's speed at the same level. */
#include <libdeflate.h>
#endif
