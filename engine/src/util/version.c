/*
 * version.c - the library's version at run time (version.h).
 */
#include "jixiao/version.h"

const char *jx_version(void)
{
    return JX_VERSION;
}

int jx_version_number(void)
{
    return JX_VERSION_NUMBER;
}
