/*
 * dberr.c - what a failed SQLite call means to the clerk who reads the message: the database
 * named, the cause in plain words (a full disk, a file size limit, a damaged file, files that
 * another user's command left behind read-only) and what to do about it.
 *
 * SQLite's own texts ("attempt to write a readonly database", "disk I/O error") name neither
 * the file nor the cause; the cause is in the extended result code, in the system errno of the
 * failed call (sqlite3_system_errno) and, for a read-only database, in who owns which of the
 * database's three files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keep/store_int.h"
#include "util/util_int.h"

static bool writable(const char *path)
{
    return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

/* Why a database cannot be written: which of its files (or its folder) the user may not write,
 * whose it is, and what to do. */
static void readonly_advice(const char *path, char *buf, size_t cap)
{
    static const char *const sfx[] = {"", "-wal", "-shm"};
    char f[4200], who[300];
    struct stat sb, wal;
    bool wal_data = false;
    jx_fmt_trunc(f, sizeof f, "%s-wal", path);
    if (stat(f, &wal) == 0 && wal.st_size > 0) wal_data = true;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path; /* messages are long */
    for (int i = 0; i < 3; i++) {
        jx_fmt_trunc(f, sizeof f, "%s%s", path, sfx[i]);
        if (stat(f, &sb) != 0 || writable(f)) continue;
        jx_user_name(sb.st_uid, who, sizeof who);
        if (i == 0)
            jx_fmt_trunc(buf, cap,
                         "%s belongs to %s and you may not write it; ask its owner for write "
                         "access (a shared group and chmod g+w) or work on a copy",
                         f, who);
        else if (wal_data)
            jx_fmt_trunc(buf, cap,
                         "%s belongs to %s and you may not write it; ask them or an administrator "
                         "to make %s-wal and %s-shm writable for you (chmod g+w); do not delete "
                         "%s-wal: it holds changes not yet in the database",
                         f, who, base, base, base);
        else
            jx_fmt_trunc(buf, cap,
                         "%s belongs to %s, whose command could only read the database and left "
                         "it behind; ask them or an administrator to delete %s-wal and %s-shm "
                         "while no one uses the database (they hold no data)",
                         f, who, base, base);
        return;
    }
    char dir[4200];
    jx_fmt_trunc(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        jx_fmt_trunc(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &sb) == 0 && !writable(dir)) {
        jx_fmt_trunc(buf, cap,
                     "the folder %s belongs to %s and you may not write in it, and the database "
                     "needs its -wal and -shm files beside it; ask for write access to the "
                     "folder or work on a copy elsewhere",
                     dir, jx_user_name(sb.st_uid, who, sizeof who));
        return;
    }
    jx_fmt_trunc(buf, cap,
                 "the file, its -wal and -shm files and its folder are writable: the file "
                 "system may be mounted read-only");
}

/* Has a file of the database grown to the file size limit (ulimit -f)? SQLite does not always
 * keep the errno (EFBIG) of a write that failed under it. */
static bool at_size_limit(const char *path)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return false;
    static const char *const sfx[] = {"", "-wal", "-journal"};
    for (int i = 0; i < 3; i++) {
        char f[4200];
        struct stat sb;
        jx_fmt_trunc(f, sizeof f, "%s%s", path, sfx[i]);
        if (stat(f, &sb) == 0 && (uint64_t)sb.st_size + 65536 >= (uint64_t)rl.rlim_cur) return true;
    }
    return false;
}

void st_explain(const char *path, int rc, int sys_errno, const char *sqlmsg, const char *what,
                char *buf, size_t cap)
{
    if ((rc & 0xff) == SQLITE_IOERR && sys_errno != ENOSPC && sys_errno != EDQUOT &&
        at_size_limit(path))
        sys_errno = EFBIG;
    const char *head = NULL; /* the cause in plain words */
    char advice[1400] = "";
    char cause[200];
    jx_fmt_trunc(cause, sizeof cause, "%s", sqlmsg ? sqlmsg : "unknown error");
    if (sys_errno && (rc & 0xff) == SQLITE_IOERR)
        jx_fmt_trunc(cause, sizeof cause, "%s: %s", sqlmsg ? sqlmsg : "disk I/O error",
                     strerror(sys_errno));
    switch (rc & 0xff) {
    case SQLITE_FULL:
        head = "the disk is full";
        jx_fmt_trunc(advice, sizeof advice, "free space and try again");
        break;
    case SQLITE_IOERR:
        if (sys_errno == ENOSPC) {
            head = "the disk is full";
            jx_fmt_trunc(advice, sizeof advice, "free space and try again");
        } else if (sys_errno == EFBIG) {
            head = "the database files reached the file size limit";
            jx_fmt_trunc(advice, sizeof advice,
                         "raise the limit (ulimit -f) or use a file system that allows larger "
                         "files, and try again");
        } else if (sys_errno == EDQUOT) {
            head = "your disk quota is used up";
            jx_fmt_trunc(advice, sizeof advice, "free space and try again");
        } else {
            head = "the database file cannot be read or written";
            jx_fmt_trunc(advice, sizeof advice, "check the disk, then run 'jixiao --db %s check'",
                         path);
        }
        break;
    case SQLITE_CORRUPT:
        head = "the database file is damaged";
        jx_fmt_trunc(advice, sizeof advice,
                     "run 'jixiao --db %s check' to see the damage, and restore the file from "
                     "a backup",
                     path);
        break;
    case SQLITE_NOTADB:
        head = "this is not a database file: it is damaged, encrypted, or another kind of file";
        jx_fmt_trunc(advice, sizeof advice,
                     "check the --db path; restore the file from a backup if it was a database");
        break;
    case SQLITE_READONLY:
        head = "the database cannot be written";
        readonly_advice(path, advice, sizeof advice);
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        head = "another process kept the database locked";
        jx_fmt_trunc(advice, sizeof advice,
                     "it held the lock for longer than the busy timeout (30 s); try again");
        break;
    case SQLITE_CANTOPEN:
        head = "the database file cannot be opened";
        if (sys_errno)
            jx_fmt_trunc(cause, sizeof cause, "%s: %s", sqlmsg ? sqlmsg : "unable to open",
                         strerror(sys_errno));
        jx_fmt_trunc(advice, sizeof advice,
                     "check that its folder exists and that you may read and write there");
        break;
    case SQLITE_NOMEM:
        head = "out of memory";
        break;
    default:
        break;
    }
    if (!head) {
        jx_fmt_trunc(buf, cap, "%s: %s%s%s%s", path, cause, what ? " (" : "", what ? what : "",
                     what ? ")" : "");
        return;
    }
    jx_fmt_trunc(buf, cap, "%s: %s (%s%s%s)%s%s", path, head, cause, what ? "; " : "",
                 what ? what : "", *advice ? ": " : "", advice);
}
