#ifndef ND_CMPI_SHIM_H
#define ND_CMPI_SHIM_H
#include <mpi.h>

/* MPI handles are macros over addresses of library globals; Swift cannot import them. */
static inline MPI_Comm nd_MPI_COMM_WORLD(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype nd_MPI_DOUBLE(void) { return MPI_DOUBLE; }
static inline MPI_Datatype nd_MPI_INT64(void) { return MPI_INT64_T; }
static inline MPI_Datatype nd_MPI_BYTE(void) { return MPI_BYTE; }
static inline MPI_Op nd_MPI_SUM(void) { return MPI_SUM; }
static inline MPI_Op nd_MPI_MAX(void) { return MPI_MAX; }
static inline MPI_Op nd_MPI_MIN(void) { return MPI_MIN; }
#endif
