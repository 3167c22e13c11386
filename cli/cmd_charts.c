/*
 * cmd_charts.c - `stats --out FILE.xlsx` and `sensitivity --out FILE.xlsx`: their results as
 * workbooks with charts (charts.h). The review's workbook is written by cmd_review.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jixiao/charts.h"

static int written(const char *cmd, jx_err e, const jx_errmsg *msg, const char *path)
{
    if (e) {
        cli_error("%s: %s", cmd, msg->text);
        return EXIT_ERR;
    }
    fprintf(stderr, "jixiao: %s: wrote %s\n", cmd, path);
    return EXIT_OK;
}

int cli_stats_xlsx(const jx_ranking *r, const jx_stats_groups *gs, const jx_run_info *info,
                   const char *path)
{
    char note[256];
    size_t n = 0;
    for (size_t k = 0; k < gs->n; k++)
        n += gs->group[k].rep.d.n;
    snprintf(note, sizeof note, "评分运行 #%lld（%s），规则 %s；%zu 个对象%s", (long long)info->id,
             info->created_at, info->rules, n, gs->n > 1 ? "，各年度、部门整体与项目分组统计" : "");
    jx_errmsg msg;
    return written("stats", jx_stats_groups_write_xlsx(r, gs, note, path, &msg), &msg, path);
}

int cli_sensitivity_xlsx(const jx_sensitivity *s, jx_ruleset *const *rs, size_t nrules,
                         const jx_selection *sel, const char *path)
{
    const jx_sens_summary *m = jx_sensitivity_summary(s);
    char note[512], rules[256] = "";
    for (size_t i = 0; i < nrules; i++)
        snprintf(rules + strlen(rules), sizeof rules - strlen(rules), "%s%s", i ? "," : "",
                 jx_ruleset_name(rs[i]));
    char year[32] = "";
    if (sel->year) snprintf(year, sizeof year, " --year %d", sel->year);
    snprintf(note, sizeof note,
             "jixiao sensitivity --samples %zu --spread %g --seed %llu --rules %s --mode %s%s%s；"
             "排名平均绝对变动 %.4f",
             m->samples, m->spread, (unsigned long long)m->seed, rules,
             m->mode == JX_SENS_IMPOSE ? "impose" : "scale",
             sel->kind == JX_SEL_DEPARTMENTS ? " --departments"
             : sel->kind == JX_SEL_PROJECTS  ? " --projects"
                                             : "",
             year, m->mean_abs_shift);
    jx_errmsg msg;
    return written("sensitivity", jx_sensitivity_write_xlsx(s, note, path, &msg), &msg, path);
}
