/*
 * error.c - fixed text for each jx_err code.
 */
#include "jixiao/error.h"

static const char *const jx_errstr[JX_ERR__COUNT] = {
    [JX_OK] = "ok",
    [JX_ERR_NOMEM] = "out of memory",
    [JX_ERR_INVALID] = "invalid argument",
    [JX_ERR_PARSE] = "malformed value",
    [JX_ERR_CONFLICT] = "operator or unit column contradicts the value",
    [JX_ERR_UNIT] = "units not comparable",
    [JX_ERR_RULES] = "bad rule set",
    [JX_ERR_WEIGHTS] = "bad weights",
    [JX_ERR_IO] = "input/output error",
    [JX_ERR_ENCODING] = "bad text encoding",
    [JX_ERR_FORMAT] = "malformed input table",
    [JX_ERR_DB] = "database error",
    [JX_ERR_NOTFOUND] = "not found",
    [JX_ERR_XLSX] = "workbook error",
    [JX_ERR_NUMERIC] = "numeric error",
    [JX_ERR_LIMIT] = "input exceeds a limit",
};

const char *jx_strerror(jx_err err)
{
    if ((unsigned)err >= JX_ERR__COUNT || !jx_errstr[err]) return "unknown error";
    return jx_errstr[err];
}
