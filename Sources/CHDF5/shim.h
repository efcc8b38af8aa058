#ifndef ND_CHDF5_SHIM_H
#define ND_CHDF5_SHIM_H
#include <hdf5.h>

/* HDF5's constants are macros over global ids that need H5open(); Swift cannot import them. */
static inline hid_t nd_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t nd_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned nd_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned nd_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline hid_t nd_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t nd_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t nd_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t nd_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
#endif
