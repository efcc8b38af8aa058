#ifndef ND_CHDF5_SHIM_H
#define ND_CHDF5_SHIM_H
#include <hdf5.h>

/* HDF5's constants are macros over global ids that need H5open(); Swift cannot import them. */
static inline hid_t nd_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t nd_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t nd_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline unsigned nd_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned nd_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned nd_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline hid_t nd_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t nd_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t nd_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t nd_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t nd_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t nd_H5T_NATIVE_UINT32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t nd_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t nd_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t nd_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t nd_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t nd_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t nd_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }
static inline hid_t nd_H5T_STD_U32LE(void) { return H5T_STD_U32LE; }
static inline hid_t nd_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t nd_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }

/* A variable-length UTF-8 string type (caller closes it). */
static inline hid_t nd_vlen_string_type(void) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}
/* A fixed-length, null-padded string type of `size` bytes (caller closes it). */
static inline hid_t nd_fixed_string_type(size_t size) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, size);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    return t;
}
#endif
