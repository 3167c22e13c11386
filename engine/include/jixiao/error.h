/**
 * @file error.h
 * @brief Error codes shared by every jixiao module.
 *
 * Every function that can fail returns a ::jx_err. ::JX_OK is zero, so
 * `if (err) ...` reads naturally. The fixed text of a code comes from
 * jx_strerror(); the detailed message (naming the file, line, text or
 * indicator at fault) comes either from the handle the function was called on
 * (e.g. jx_store_errmsg()) or, for the handle-less pure functions such as
 * jx_value_parse(), from a caller-provided ::jx_errmsg.
 */
#ifndef JIXIAO_ERROR_H
#define JIXIAO_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Marks the public API; the library is built with hidden visibility, so all else stays internal.
 */
#if defined(__GNUC__)
#define JX_API __attribute__((visibility("default")))
#else
#define JX_API
#endif

/** Error codes. Append only: the numeric values are part of the ABI. */
typedef enum jx_err {
    JX_OK = 0,       /**< success */
    JX_ERR_NOMEM,    /**< out of memory */
    JX_ERR_INVALID,  /**< invalid argument (a caller bug, e.g. NULL) */
    JX_ERR_PARSE,    /**< a value string could not be parsed */
    JX_ERR_CONFLICT, /**< operator/unit column contradicts the value text */
    JX_ERR_UNIT,     /**< target and actual units are not comparable */
    JX_ERR_RULES,    /**< a rule set is malformed or not found */
    JX_ERR_WEIGHTS,  /**< weights given on some indicators only, or invalid */
    JX_ERR_IO,       /**< a file could not be opened, read or written */
    JX_ERR_ENCODING, /**< input is not valid UTF-8 / GB18030 */
    JX_ERR_FORMAT,   /**< an input table is malformed (columns, rows) */
    JX_ERR_DB,       /**< the SQLite store reported an error */
    JX_ERR_NOTFOUND, /**< a named object does not exist */
    JX_ERR_XLSX,     /**< libxlsxwriter reported an error */
    JX_ERR_NUMERIC,  /**< a statistic could not be computed (GSL error) */
    JX_ERR_LIMIT,    /**< an input exceeds a documented limit */
    JX_ERR__COUNT    /**< number of codes; not an error */
} jx_err;

/**
 * @brief Fixed English text for an error code.
 * @return A static string; never NULL, also for out-of-range values. Do not free.
 */
JX_API const char *jx_strerror(jx_err err);

/** Capacity of a ::jx_errmsg, including the terminating NUL. */
#define JX_ERRMSG_MAX 512

/**
 * @brief A detailed error message filled in by handle-less functions.
 *
 * Owned by the caller (typically on the stack). Functions that take a
 * `jx_errmsg *` accept NULL when the caller does not want the detail. On
 * success the content is unspecified; on failure it holds a NUL-terminated
 * UTF-8 message (truncated at a character boundary if needed).
 */
typedef struct jx_errmsg {
    char text[JX_ERRMSG_MAX]; /**< NUL-terminated UTF-8 */
} jx_errmsg;

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_ERROR_H */
