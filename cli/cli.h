/*
 * cli.h - shared declarations of the jixiao command-line front end.
 * The CLI parses arguments and prints; it never scores (that is libjixiao).
 */
#ifndef JIXIAO_CLI_H
#define JIXIAO_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses, as git: 0 ok, 1 error, 2 usage. */
enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2 };

/* Output formats of listing commands. */
typedef enum cli_format { FMT_TABLE, FMT_CSV, FMT_JSON } cli_format;

/* Options common to all commands, parsed by the dispatcher. */
typedef struct cli_ctx {
    const char *db_path; /* --db, $JIXIAO_DB, or "./jixiao.db" */
    bool db_given;       /* --db was on the command line (evaluate then keeps its data there) */
    const char *argv0;   /* program name for messages */
} cli_ctx;

typedef int (*cli_fn)(int argc, char **argv, cli_ctx *ctx);

/* One row of the command table (git.c style). */
typedef struct cli_cmd {
    const char *name;
    cli_fn fn;
    const char *summary;
} cli_cmd;

/* commands: cli/cmd_<name>.c */
int cmd_value(int argc, char **argv, cli_ctx *ctx);

/* out.c: printing helpers */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* table, csv, json; excel: CSV with a UTF-8 BOM (for Excel on Chinese Windows) */
bool cli_parse_format(const char *s, cli_format *f);
/* cli_parse_format() of a --format argument of command cmd; false (and the error printed: the
 * formats every command takes) when it is none of them. The caller exits with EXIT_USAGE. */
bool cli_format_option(const char *cmd, const char *arg, cli_format *f);
/* Send standard output to path for a CSV meant for Excel (a UTF-8 BOM comes first); false (and
 * an error printed) when it cannot be opened. */
bool cli_csv_out(const char *path);
/* Take "--NAME VALUE" or "--NAME=VALUE" out of argv (before a "--"), for an option a command
 * shares with a parser it does not own; *value: the last one given. false: --NAME lacks a value. */
bool cli_take_option(int *argc, char **argv, const char *name, const char **value);
/* Set bits as text: Chinese labels joined by "、" in a table, codes joined by "," in CSV. */
void cli_bits_text(unsigned bits, int count, const char *(*name)(unsigned),
                   const char *(*label)(unsigned), cli_format fmt, char *buf, size_t cap);
/* Set bits as a JSON array of their codes. */
void json_bits(FILE *f, unsigned bits, int count, const char *(*name)(unsigned));
void json_str(FILE *f, const char *s); /* a JSON string literal, escaped */
/* JSON into a buffer, written to its FILE when full and by jb_flush: a listing of every
 * indicator is ~30 pieces an indicator, and stdio's per-call cost was a fifth of it. */
typedef struct cli_jbuf {
    FILE *f;
    size_t n;
    char b[1 << 16];
} cli_jbuf;
void jb_flush(cli_jbuf *j);
void jb_raw(cli_jbuf *j, const char *s, size_t n);
void jb_lit(cli_jbuf *j, const char *s); /* text as it is */
void jb_str(cli_jbuf *j, const char *s); /* json_str */
void jb_num(cli_jbuf *j, double x);      /* json_num */
void jb_bits(cli_jbuf *j, unsigned bits, int count, const char *(*name)(unsigned)); /* json_bits */
void json_num(FILE *f, double x); /* shortest round-trip number, null for NaN/inf */
/* "code":…,"name":…,"project":…,"year":N — who a JSON row is about (no braces, no commas around) */
void json_subject_id(FILE *f, const char *code, const char *name, const char *project, int year);
void csv_field(FILE *f, const char *s); /* RFC 4180 field; formula-like text made inert */
/* s with control characters (keep_ws: but TAB, LF, CR) and bidirectional formatting characters
 * written as visible escapes (\x1B, \u202E) */
void cli_fputs_safe(FILE *f, const char *s, bool keep_ws);
/* The same as a malloc'd string; NULL when s has none of them (or out of memory) */
char *cli_safe_dup(const char *s, bool keep_ws);
void pad_to(FILE *f, const char *s, size_t width);  /* print s left-aligned in width columns */
void padl_to(FILE *f, const char *s, size_t width); /* right-aligned */

/* A simple aligned table: add cells row by row, then print. */
typedef struct cli_table cli_table;
cli_table *table_new(size_t ncols, const char *const *headers, const bool *right_align);
void table_add(cli_table *t, const char *const *cells);
void table_print(cli_table *t, FILE *f, cli_format fmt);
void table_free(cli_table *t);

#endif

/* common.c: set-up shared by commands */
#include "jixiao/batch.h"
#include "jixiao/ruleset.h"
#include "jixiao/run.h"
#include "jixiao/store.h"

/* Directories searched for rule sets by name: $JIXIAO_RULES (colon-separated), then
 * ../share/jixiao/rules and ../rules beside the executable, then the install datadir. */
typedef struct cli_rules_paths { /* storage behind the pointers cli_rules_dirs() returns */
    char env[4096];
    char exe_share[4096];
    char exe_src[4096];
} cli_rules_paths;
size_t cli_rules_dirs(cli_rules_paths *storage, const char **dirs, size_t cap);
/* Load a rule set by name or path, printing the error. NULL on failure. */
jx_ruleset *cli_load_rules(const char *name_or_path);
/* Open the store at path, printing the error. NULL on failure. A missing file is refused
 * ("no database at PATH") unless the command writes (cli_store_writes()): then it is created,
 * and standard error says so. */
jx_store *cli_open_store(const char *path);
/* Whether the running command writes the database (main.c: init, import, score, evaluate). */
void cli_store_writes(bool writes);
/* Open a stored run (0: the newest), printing the error ("CMD: why"). NULL on failure. */
jx_run *cli_open_run(jx_store *st, int64_t run_id, const char *cmd);
/* Print a run's subjects (and, with indicators, each indicator) in the given format. */
int cli_print_run(jx_run *run, const jx_run_filter *filter, cli_format fmt);
/* progress.c: the progress line of long work on standard error, only when it is a terminal,
 * after about a second, erased at the end; --quiet turns it off. */
typedef struct cli_progress {
    const char *what, *unit; /* "导入 targets.csv", "行" */
    double t0, last, after;  /* start, last drawn, seconds before the first */
    bool on, shown;
} cli_progress;
void cli_progress_quiet(bool quiet);
void cli_progress_begin(cli_progress *p, const char *what, const char *unit);
/* The engine's on_progress: ctx is the cli_progress; total 0 when not known. */
void cli_progress_cb(void *ctx, int64_t done, int64_t total);
void cli_progress_end(cli_progress *p);
/* Print an error line (engine callbacks). */
void cli_on_error(void *ctx, const char *message);
/* The options of a command that takes none but --help: -1 to go on, else the exit status (the
 * usage printed, or an error for an unexpected argument). */
int cli_no_options(int argc, char **argv, const char *cmd, const char *usage);
/* Parse a whole decimal number; false when not one. */
bool cli_parse_int64(const char *s, int64_t *out);

int cmd_init(int argc, char **argv, cli_ctx *ctx);
int cmd_import(int argc, char **argv, cli_ctx *ctx);
int cmd_score(int argc, char **argv, cli_ctx *ctx);
int cmd_show(int argc, char **argv, cli_ctx *ctx);
int cmd_history(int argc, char **argv, cli_ctx *ctx);
int cmd_check(int argc, char **argv, cli_ctx *ctx);
int cmd_rules(int argc, char **argv, cli_ctx *ctx);
int cmd_evaluate(int argc, char **argv, cli_ctx *ctx);
int cmd_export(int argc, char **argv, cli_ctx *ctx); /* cmd_export.c; also evaluate --out: */
/* Write the workbook(s) of a run (stored, or a batch's). */
int cli_export_xlsx(jx_run *run, const jx_ruleset *rs, const char *out, const char *split,
                    const char *const *depts, size_t ndepts, bool blank, int threads, FILE *report);

/* analysis commands (cmd_rank.c also holds the helpers below) */
#include "jixiao/rank.h"
int cmd_rank(int argc, char **argv, cli_ctx *ctx);
int cmd_stats(int argc, char **argv, cli_ctx *ctx);
int cmd_whatif(int argc, char **argv, cli_ctx *ctx);
int cmd_sensitivity(int argc, char **argv, cli_ctx *ctx);
void cli_analysis_setup(
    void); /* turns GSL's aborting error handler off (process-wide: the program's call) */
int cli_selection_option(int c, const char *arg, const char *cmd,
                         jx_selection *sel); /* 'y','D','P'; −1: other */
int cli_parse_run(const char *arg, const char *cmd, int64_t *run_id);
int cli_ranking_open(int argc, char **argv, cli_ctx *ctx, const char *cmd, const char *usage,
                     cli_format *fmt, int64_t *run_id, jx_run_info *info, jx_store **st,
                     jx_ranking **r);               /* -1: go on */
const char *cli_project_label(const char *project); /* "部门整体" for "" */
/* A ranking group's kind (rank.h: 部门整体 or projects): "部门整体"/"项目" for people,
 * "departments"/"projects" in JSON */
const char *cli_kind_label(bool projects);
const char *cli_kind_code(bool projects);
/* "N groups (each year apart, 部门整体 apart from 项目)": how every analysis groups */
void cli_groups_note(FILE *f, size_t ngroups);
void cli_fmt_num(char *buf, size_t cap, double x,
                 int decimals);                         /* "—" for NaN; decimals < 0: CSV %.10g */
void cli_fmt_shortest(char *buf, size_t cap, double x); /* shortest text that reads back as x */

/* the bureau's review (复核): review, sample, runs, diff, trend */
#include "jixiao/review.h"
int cmd_review(int argc, char **argv, cli_ctx *ctx);
int cmd_sample(int argc, char **argv, cli_ctx *ctx);
int cmd_runs(int argc, char **argv, cli_ctx *ctx);
int cmd_diff(int argc, char **argv, cli_ctx *ctx);
int cmd_trend(int argc, char **argv, cli_ctx *ctx);
/* The options review and sample share (cmd_review.c). */
typedef struct cli_review_args {
    int64_t run_id;      /* --run (0: the newest) */
    jx_review_opts opts; /* --threshold, --departments, --projects, --year */
    const char *rules;   /* --rules: grades the claimed totals (NULL: the run's rule set) */
    cli_format fmt;      /* --format */
    const char *out;     /* --out */
} cli_review_args;
/* One of r t R D P y f o; −1 for another option, else an exit status (0: taken). */
int cli_review_option(int c, const char *arg, const char *cmd, cli_review_args *a);
/* The run's rule set by name (or name when given); a changed file (SHA-256) is reported. */
jx_ruleset *cli_run_rules(const jx_run_info *info, const char *name, const char *cmd);
/* Open the store and review the run; the exit status (0: *st, *rs and *rv to free). */
int cli_review_load(cli_ctx *ctx, const char *cmd, cli_review_args *a, jx_store **st,
                    jx_ruleset **rs, jx_review **rv);
/* Points: 2 decimals in a table ("—" for NaN, never "-0.00"), full precision in CSV. */
void cli_fmt_points(char *buf, size_t cap, double x, cli_format fmt);
/* "run":N,"created_at":…,"rules":…,"rules_sha256":…,"label":… (cmd_runs.c; no braces) */
void json_run_info(FILE *f, const jx_run_info *info);
/* path ends in ext (".xlsx"), case-insensitively */
bool cli_has_ext(const char *path, const char *ext);
/* stats --out and sensitivity --out (cmd_charts.c): the workbook with charts; an exit status */
#include "jixiao/sensitivity.h"
#include "jixiao/stats.h"
int cli_stats_xlsx(const jx_ranking *r, const jx_stats_groups *gs, const jx_run_info *info,
                   const char *path);
int cli_sensitivity_xlsx(const jx_sensitivity *s, jx_ruleset *const *rs, size_t nrules,
                         const jx_selection *sel, const char *path);
