/*
 * progress.c - the progress line of long work (import, evaluate, score, export, sensitivity).
 *
 * On standard error, and only when it is a terminal: after about a second of work, one line
 * rewritten in place with what is done, the rate and the time left,
 *
 *     导入 targets.csv：49152/250000 行 · 245210 行/秒 · 约剩 1 秒
 *
 * and erased when the work ends, so what stays on the screen is the command's own output.
 * Nothing is written when standard error is a file or a pipe (scripts and tests see no
 * change), nor with --quiet. The engine calls back with the count done and the total
 * (on_progress of jx_import_opts, jx_run_opts, jx_xlsx_opts, jx_sens_opts); the line is
 * redrawn at most ten times a second.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static bool quiet;

void cli_progress_quiet(bool q)
{
    quiet = q;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Seconds of work before the line appears: 1, or $JIXIAO_PROGRESS_AFTER (tests set 0). */
static double delay(void)
{
    const char *e = getenv("JIXIAO_PROGRESS_AFTER");
    if (!e || !*e) return 1.0;
    char *end;
    double d = strtod(e, &end);
    return *end || !(d >= 0) ? 1.0 : d;
}

void cli_progress_begin(cli_progress *p, const char *what, const char *unit)
{
    *p = (cli_progress){.what = what, .unit = unit, .t0 = now(), .after = delay()};
    p->on = !quiet && isatty(STDERR_FILENO);
}

static void put_eta(double secs)
{
    long s = (long)(secs + 0.5);
    if (s < 60)
        fprintf(stderr, " · 约剩 %ld 秒", s < 1 ? 1 : s);
    else if (s < 3600)
        fprintf(stderr, " · 约剩 %ld 分 %02ld 秒", s / 60, s % 60);
    else
        fprintf(stderr, " · 约剩 %ld 小时 %02ld 分", s / 3600, s / 60 % 60);
}

void cli_progress_cb(void *ctx, int64_t done, int64_t total)
{
    cli_progress *p = ctx;
    if (!p || !p->on) return;
    double t = now(), el = t - p->t0;
    if (el < p->after || (p->shown && t - p->last < 0.1 && done < total)) return;
    p->last = t;
    p->shown = true;
    fputs("\r", stderr);
    cli_fputs_safe(stderr, p->what, false);
    if (total > 0)
        fprintf(stderr, "：%lld/%lld %s", (long long)done, (long long)total, p->unit);
    else
        fprintf(stderr, "：%lld %s", (long long)done, p->unit);
    double rate = el > 0 ? (double)done / el : 0;
    if (rate > 0) {
        fprintf(stderr, " · %.0f %s/秒", rate, p->unit);
        if (total > done) put_eta((double)(total - done) / rate);
    }
    fputs("\033[K", stderr);
    fflush(stderr);
}

void cli_progress_end(cli_progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = false;
}
