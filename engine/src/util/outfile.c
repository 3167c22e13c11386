/*
 * outfile.c - output files written whole or not at all, never through another user's symbolic
 * link, keeping the mode of the file they replace (outfile_int.h says how).
 */
#include "util/outfile_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util_int.h"

#define MAX_LINKS 40

/* The folder part of path ("." when none) into buf. */
static void dir_of(const char *path, char *buf, size_t cap)
{
    jx_fmt_trunc(buf, cap, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash)
        jx_fmt_trunc(buf, cap, ".");
    else if (slash == buf)
        buf[1] = '\0';
    else
        *slash = '\0';
}

/* Follow the symbolic links at path, each of which must belong to the user or to root; the last
 * name of the chain (the file itself, or a name that does not exist yet) into out. A link the
 * kernel makes up (/proc/self/fd/1 -> pipe:[…]) ends the chain at a name that does not exist;
 * the caller looks at the file through path itself. */
static jx_err follow_links(const char *path, char *out, size_t cap, jx_errmsg *msg)
{
    char cur[4096], next[4096];
    jx_fmt_trunc(cur, sizeof cur, "%s", path);
    for (int hop = 0;; hop++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) break;
        if (hop == MAX_LINKS)
            return jx_msg(msg, JX_ERR_IO, "cannot write %s: more than %d symbolic links", path,
                          MAX_LINKS);
        if (sb.st_uid != geteuid() && sb.st_uid != 0) {
            char who[300];
            return jx_msg(msg, JX_ERR_IO,
                          "cannot write %s: %s is a symbolic link that belongs to %s, not to you: "
                          "jixiao does not write through another user's link (it could make you "
                          "overwrite a file of their choosing); remove the link, or write "
                          "elsewhere",
                          path, cur, jx_user_name(sb.st_uid, who, sizeof who));
        }
        char target[4096];
        ssize_t n = readlink(cur, target, sizeof target - 1);
        if (n < 0) return jx_msg(msg, JX_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        target[n] = '\0';
        if (target[0] == '/') {
            jx_fmt_trunc(next, sizeof next, "%s", target);
        } else {
            char dir[4096];
            dir_of(cur, dir, sizeof dir);
            if (strlen(dir) + 1 + (size_t)n >= sizeof next)
                return jx_msg(msg, JX_ERR_IO, "cannot write %s: the name is too long", path);
            jx_fmt_trunc(next, sizeof next, "%s/%s", dir, target);
        }
        memcpy(cur, next, sizeof cur);
    }
    if (strlen(cur) >= cap)
        return jx_msg(msg, JX_ERR_IO, "cannot write %s: the name is too long", path);
    memcpy(out, cur, strlen(cur) + 1);
    return JX_OK;
}

/* The process's umask, without changing it (umask() would, for every thread). */
static mode_t process_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    mode_t m = 022;
    if (!f) return m;
    char line[256];
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "Umask:", 6)) {
            m = (mode_t)strtol(line + 6, NULL, 8) & 0777;
            break;
        }
    fclose(f);
    return m;
}

/* Does name still name the file open at fd? (A swap in a shared folder is never renamed into
 * place or removed.) */
static bool same_file(const char *name, int fd)
{
    struct stat a, b;
    return lstat(name, &a) == 0 && fstat(fd, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* The name through which a writer reaches fd: /proc/self/fd/N when it works, else name. */
static void io_name(jx_outfile *f, const char *name)
{
    snprintf(f->io, sizeof f->io, "/proc/self/fd/%d", f->fd);
    struct stat a, b;
    if (stat(f->io, &a) != 0 || fstat(f->fd, &b) != 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino)
        jx_fmt_trunc(f->io, sizeof f->io, "%s", name);
}

jx_err jx_outfile_open(jx_outfile *f, const char *path, jx_errmsg *msg)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (!path || !*path) return jx_msg(msg, JX_ERR_INVALID, "no output file named");
    if (strlen(path) >= sizeof f->path)
        return jx_msg(msg, JX_ERR_IO, "cannot write %.200s…: the name is too long", path);
    memcpy(f->path, path, strlen(path) + 1);
    jx_err e = follow_links(path, f->final, sizeof f->final, msg);
    if (e) return e;
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return jx_msg(msg, JX_ERR_IO, "cannot write %s: it is a folder", path);
        if (!S_ISREG(sb.st_mode)) { /* a device or a FIFO: written as it is */
            f->in_place = true;
            f->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
            if (f->fd < 0)
                return jx_msg(msg, JX_ERR_IO, "cannot write %s: %s", path, strerror(errno));
            io_name(f, path);
            return JX_OK;
        }
        /* may the user write it? The kernel answers (modes, ACLs, a read-only mount); nothing
         * is truncated */
        int fd = open(f->final, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &sb) != 0) {
            int en = errno;
            if (fd >= 0) close(fd);
            return jx_msg(msg, JX_ERR_IO,
                          "cannot write %s: %s: jixiao replaces only a file you may write", path,
                          strerror(en));
        }
        close(fd);
        f->existed = true;
        f->mode = sb.st_mode & 0777;
        f->uid = sb.st_uid;
        f->gid = sb.st_gid;
    } else if (errno == ENOENT) {
        f->mode = 0666 & ~process_umask(); /* as open(O_CREAT, 0666) would make it */
    } else {
        return jx_msg(msg, JX_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    /* the temporary file beside the one it replaces: same file system, so rename() is atomic */
    if (strlen(f->final) + 12 >= sizeof f->tmp)
        return jx_msg(msg, JX_ERR_IO, "cannot write %s: the name is too long", path);
    snprintf(f->tmp, sizeof f->tmp, "%s.part-XXXXXX", f->final);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        int en = errno;
        char dir[4096];
        dir_of(f->final, dir, sizeof dir);
        f->tmp[0] = '\0';
        struct stat ds;
        if ((en == ENOENT || en == ENOTDIR) && (stat(dir, &ds) != 0 || !S_ISDIR(ds.st_mode)))
            return jx_msg(msg, JX_ERR_IO, "cannot write %s: %s (the folder %s does not exist)",
                          path, strerror(en), dir);
        return jx_msg(msg, JX_ERR_IO,
                      "cannot write %s: %s: no new file can be made in %s (jixiao writes a "
                      "workbook beside its destination, then renames it into place)",
                      path, strerror(en), dir);
    }
    io_name(f, f->tmp);
    return JX_OK;
}

/* fsync the folder of path, so that the rename survives a power loss. */
static void sync_dir(const char *path)
{
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

jx_err jx_outfile_close(jx_outfile *f, bool ok, jx_errmsg *msg)
{
    if (f->fd < 0) return JX_OK;
    jx_err e = JX_OK;
    if (f->in_place) {
        if (close(f->fd) != 0 && ok)
            e = jx_msg(msg, JX_ERR_IO, "cannot write %s: %s", f->path, strerror(errno));
        f->fd = -1;
        return e;
    }
    bool ours = same_file(f->tmp, f->fd);
    if (ok) {
        /* the owner first (a change of owner clears set-id bits), where allowed (root, or the
         * same owner); then the mode */
        if (f->existed && fchown(f->fd, f->uid, f->gid) != 0 &&
            fchown(f->fd, (uid_t)-1, f->gid) != 0) {
            /* not allowed: the new file is the user's, with the old mode */
        }
        if (fchmod(f->fd, f->mode) != 0 || fsync(f->fd) != 0)
            e = jx_msg(msg, JX_ERR_IO, "cannot write %s: %s", f->path, strerror(errno));
        else if (!ours)
            e = jx_msg(msg, JX_ERR_IO,
                       "cannot write %s: the temporary file %s was replaced by someone else "
                       "while it was written: nothing changed",
                       f->path, f->tmp);
        else if (rename(f->tmp, f->final) != 0)
            e = jx_msg(msg, JX_ERR_IO, "cannot write %s: %s", f->path, strerror(errno));
        else {
            f->tmp[0] = '\0';
            sync_dir(f->final);
        }
    }
    if (f->tmp[0] && ours) unlink(f->tmp);
    close(f->fd);
    f->fd = -1;
    f->tmp[0] = '\0';
    return e;
}

jx_err jx_outdir_check(const char *dir, jx_errmsg *msg)
{
    char end[4096];
    return follow_links(dir, end, sizeof end, msg);
}
