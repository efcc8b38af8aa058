#ifndef ND_CJANSSON_SHIM_H
#define ND_CJANSSON_SHIM_H
#include <jansson.h>

/* json_decref, json_typeof and the flag macros cannot be used from Swift as they are. */
static inline void nd_json_decref(json_t *json) { json_decref(json); }
static inline int nd_json_typeof(const json_t *json) { return (int)json_typeof(json); }
static inline size_t nd_json_encode_flags(int precision) {
    return JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(precision);
}
static inline size_t nd_json_pretty_flags(int precision, int indent, int sort_keys) {
    return JSON_INDENT(indent) | JSON_REAL_PRECISION(precision) | (sort_keys ? JSON_SORT_KEYS : JSON_PRESERVE_ORDER);
}
static inline size_t nd_json_decode_flags(void) { return JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL; }
#endif
