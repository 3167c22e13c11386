/*
 * scoring.c - the one scoring loop: every subject of the current data, scored and totalled
 * (jx_aggregate) and recorded as a run, whichever back-end keeps the data (keep_int.h).
 *
 * A run is kept only when every subject could be scored: a subject whose rows do not parse or
 * whose weights do not add up is reported through opts->on_error, and the run is abandoned
 * (nothing recorded) once all subjects have been looked at, so every problem is reported in
 * one go. An indicator whose actual cannot be compared with its target (`96件` against `≥95%`)
 * does not stop the run: it scores 0, flagged unscorable (jx_aggregate), and is reported as
 * FILE:LINE; with opts->strict it counts as an error like the others.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jixiao/score.h"
#include "keep/keep_int.h"
#include "util/util_int.h"

/* Record a failure in the back-end's message; returns e. */
static jx_err kp_fail(kp_backend be, jx_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static jx_err kp_fail(kp_backend be, jx_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(be.ops->errbuf(be.h), JX_ERRMSG_MAX, fmt, ap);
    va_end(ap);
    return e;
}

void kp_label(char *buf, size_t cap, const char *name, const char *project, int year)
{
    jx_fmt_trunc(buf, cap, "%s%s%s %d", name, *project ? " / " : "", project, year);
}

jx_err kp_visit_subjects(kp_backend be, const kp_visit *v)
{
    if (!be.h || !v || !v->on_subject) return JX_ERR_INVALID;
    return be.ops->visit(be.h, v);
}

typedef struct loop {
    kp_backend be;
    const jx_ruleset *rs;
    const jx_run_opts *opts;
    jx_run_summary *sum;
    jx_score *sc; /* scores of the current subject, grown as needed */
    size_t cap;
} loop;

/* Count an error of the run and pass its message on. */
static void run_error(loop *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void run_error(loop *l, const char *fmt, ...)
{
    l->sum->errors++;
    const jx_run_opts *o = l->opts;
    if (!o || !o->on_error) return;
    char m[1024];
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(m, sizeof m, fmt, ap);
    va_end(ap);
    o->on_error(o->ctx, m);
}

static void row_error(void *ctx, const char *message)
{
    run_error(ctx, "%s", message);
}

/* The subject's indicators that could not be scored, each reported at the row of its actual;
 * with opts->strict each is an error of the run. */
static void report_unscorable(loop *l, const kp_subject *s)
{
    const jx_run_opts *o = l->opts;
    for (size_t i = 0; i < s->n; i++) {
        if (!(l->sc[i].flags & JX_FLAG_UNSCORABLE)) continue;
        l->sum->unscorable++;
        if (o && o->strict) l->sum->errors++;
        if (!o || !o->on_error) continue;
        char why[256], m[1024];
        jx_score_explain(&l->sc[i], &s->ind[i], why, sizeof why);
        const char *file = s->actual_file && s->actual_file[i]
                               ? l->be.ops->file_name(l->be.h, s->actual_file[i])
                               : "";
        if (*file)
            jx_fmt_trunc(m, sizeof m, "%s:%lld: %s: %s: %s", file, (long long)s->actual_line[i],
                         s->label, s->ind[i].level3, why);
        else
            jx_fmt_trunc(m, sizeof m, "%s: %s: %s", s->label, s->ind[i].level3, why);
        o->on_error(o->ctx, m);
    }
}

/* Score one subject and record it. */
static jx_err score_subject(void *ctx, kp_subject *s)
{
    loop *l = ctx;
    jx_run_summary *sum = l->sum;
    if (s->errors) return JX_OK; /* its rows that did not parse were reported */
    if (!JX_GROW(l->sc, l->cap, s->n)) return kp_fail(l->be, JX_ERR_NOMEM, "out of memory");
    jx_result r;
    jx_errmsg msg;
    if (jx_aggregate(l->rs, s->ind, s->n, &s->budget, l->sc, &r, &msg)) {
        run_error(l, "%s: %s", s->label, msg.text);
        return JX_OK;
    }
    if (r.flags & JX_FLAG_UNSCORABLE) report_unscorable(l, s);
    if (sum->errors) return JX_OK; /* the run will not be kept: skip the writes */
    jx_err e = l->be.ops->run_subject(l->be.h, s, &r, l->sc);
    if (e) return e;
    sum->subjects++;
    sum->indicators += (int64_t)s->n;
    const jx_run_opts *o = l->opts;
    if (o && o->on_progress && sum->subjects % 1000 == 0)
        o->on_progress(o->ctx, sum->subjects, s->total);
    return JX_OK;
}

jx_err kp_score(kp_backend be, const jx_ruleset *rs, const jx_run_opts *opts, jx_run_summary *out)
{
    jx_run_summary local;
    jx_run_summary *sum = out ? out : &local;
    memset(sum, 0, sizeof *sum);
    if (!be.h || !rs) return JX_ERR_INVALID;
    jx_err e = be.ops->run_begin(be.h, rs, opts ? opts->label : NULL);
    if (e) return e;
    loop l = {.be = be, .rs = rs, .opts = opts, .sum = sum};
    kp_visit v = {.on_subject = score_subject, .on_error = row_error, .ctx = &l};
    e = be.ops->visit(be.h, &v);
    if (!e && sum->errors)
        e = kp_fail(be, JX_ERR_FORMAT, "%zu %s could not be scored; no run stored", sum->errors,
                    opts && opts->strict && sum->unscorable
                        ? (sum->errors == 1 ? "subject or indicator" : "subjects or indicators")
                        : (sum->errors == 1 ? "subject" : "subjects"));
    if (!e) e = be.ops->run_finish(be.h, sum, &sum->run_id);
    if (e) {
        be.ops->run_abort(be.h);
        sum->run_id = 0;
        sum->subjects = sum->indicators = 0;
    }
    free(l.sc);
    return e;
}
