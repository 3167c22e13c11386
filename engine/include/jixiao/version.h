/**
 * @file version.h
 * @brief The library's version, at compile time and at run time.
 *
 * As SQLite's SQLITE_VERSION_NUMBER and sqlite3_libversion_number(): a program compares the
 * header it was compiled against (::JX_VERSION_NUMBER) with the library it runs with
 * (jx_version_number()). The shared library's soname carries the major version
 * (libjixiao.so.MAJOR, docs/architecture.md): within a major version, functions and enum values
 * are only added, never changed or removed.
 */
#ifndef JIXIAO_VERSION_H
#define JIXIAO_VERSION_H

#include "jixiao/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JX_VERSION_MAJOR 0
#define JX_VERSION_MINOR 3
#define JX_VERSION_PATCH 0
/** "MAJOR.MINOR.PATCH" */
#define JX_VERSION "0.3.0"
/** MAJOR × 1,000,000 + MINOR × 1,000 + PATCH */
#define JX_VERSION_NUMBER (JX_VERSION_MAJOR * 1000000 + JX_VERSION_MINOR * 1000 + JX_VERSION_PATCH)

/** @brief The library's ::JX_VERSION (static; never NULL). */
JX_API const char *jx_version(void);

/** @brief The library's ::JX_VERSION_NUMBER. */
JX_API int jx_version_number(void);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_VERSION_H */
