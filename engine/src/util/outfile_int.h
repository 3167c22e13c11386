/*
 * outfile_int.h - output files written whole or not at all, and never through another user's
 * symbolic link (docs/reliability.md, "Output files").
 *
 * A workbook is written to a new temporary file beside its destination (mkstemp: a name nobody
 * can guess, created with O_EXCL, mode 0600), which the writer reaches through its descriptor
 * (/proc/self/fd/N), never by a name someone could swap. When it is complete it is synced,
 * given the mode (and, where allowed, the owner) of the file it replaces, and renamed over it;
 * on failure it is removed and the destination is untouched.
 *
 * The destination:
 *  - a symbolic link is followed only when it is owned by the user or by root (as
 *    fs.protected_symlinks does in shared folders, but everywhere); the file it names is
 *    replaced and the link kept;
 *  - an existing regular file is replaced only when the user may write it (the kernel is asked:
 *    open for writing, without truncating), keeping its mode;
 *  - a directory is refused; a device or a FIFO (/dev/stdout, a pipe) is written in place.
 */
#ifndef JIXIAO_OUTFILE_INT_H
#define JIXIAO_OUTFILE_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "jixiao/error.h"

typedef struct jx_outfile {
    char path[4096];  /* as given: named in messages */
    char final[4096]; /* the file replaced: path, or the file the symbolic link at path names */
    char tmp[4200];   /* the temporary file beside final ("" when in place or closed) */
    char io[4200];    /* the name to write through: /proc/self/fd/N, or tmp, or final in place */
    int fd;           /* the temporary file, or the device in place; -1 when closed */
    bool in_place;    /* a device or a FIFO: written as it is, never replaced */
    bool existed;     /* final existed: its mode and owner are kept */
    mode_t mode;      /* the mode to give the file */
    uid_t uid;
    gid_t gid;
} jx_outfile;

/* Check the destination and create the temporary file. On failure msg says why (naming path)
 * and nothing was created. */
jx_err jx_outfile_open(jx_outfile *f, const char *path, jx_errmsg *msg);

/* ok: the writer wrote the whole file (through f->io) and closed it: sync it, give it its mode
 * and rename it over the destination. !ok: remove it. The destination is changed only by a
 * successful rename. msg may be NULL. Safe to call twice. */
jx_err jx_outfile_close(jx_outfile *f, bool ok, jx_errmsg *msg);

/* A folder to write files into (--split DIR): a symbolic link at dir (or in its chain) owned by
 * another user is refused, as above. */
jx_err jx_outdir_check(const char *dir, jx_errmsg *msg);

#endif
