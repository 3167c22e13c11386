/**
 * @file charts.h
 * @brief Analysis workbooks with charts (.xlsx, libxlsxwriter's chart API): the 复核 workbook of
 * a review, the statistics of a run, and the rank intervals of a sensitivity analysis.
 *
 * Each writer makes one workbook: the numbers as sheets (so the charts can be checked and
 * re-plotted), the charts on a sheet of their own (图表), and the data the charts draw from on
 * 图表数据 where it is not a listing already. Values are typed numbers, never formulas. The file
 * is written whole or not at all (libxlsxwriter writes it on close). docs/analysis.md shows them.
 */
#ifndef JIXIAO_CHARTS_H
#define JIXIAO_CHARTS_H

#include "jixiao/error.h"
#include "jixiao/rank.h"
#include "jixiao/review.h"
#include "jixiao/run.h"
#include "jixiao/sensitivity.h"
#include "jixiao/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The 复核 workbook: 复核汇总 (one row per subject that claimed scores: claimed and rule
 * totals, gap, grades, flags; over-claimers highlighted), 指标差异 (every indicator gap), and a
 * scatter chart of claimed against rule totals with the line claimed = rule and the threshold
 * line above it.
 * @return ::JX_OK, ::JX_ERR_IO (the file cannot be written), ::JX_ERR_XLSX, ::JX_ERR_INVALID.
 */
JX_API jx_err jx_review_write_xlsx(const jx_review *rv, const char *path, jx_errmsg *msg);

/**
 * @brief The statistics workbook of a ranking: 统计 (the statistics of @p rep), 对象 (the
 * subjects ranked) and charts of the histogram of totals, the grades, and total against 执行率.
 * @param note  printed under the title (e.g. "run 3 · rules mof-2020"); may be NULL
 * @return as jx_review_write_xlsx().
 */
JX_API jx_err jx_stats_write_xlsx(const jx_ranking *r, const jx_stats_report *rep, const char *note,
                                  const char *path, jx_errmsg *msg);

/**
 * @brief The statistics workbook of each ranking group (stats.h): for one group, as
 * jx_stats_write_xlsx(); for several, that group's sheets one after another, named with the
 * group (统计 2021部门整体, 对象 2021部门整体, 图表 2021部门整体, …): years and kinds never mixed.
 * @return as jx_review_write_xlsx(); ::JX_ERR_INVALID when there is no group.
 */
JX_API jx_err jx_stats_groups_write_xlsx(const jx_ranking *r, const jx_stats_groups *gs,
                                         const char *note, const char *path, jx_errmsg *msg);

/**
 * @brief The sensitivity workbook: 排名区间 (each subject's nominal rank, mean, median, P5 and
 * P95 of its rank, P(优), P(等级变化)) and, per ranking group, a chart of each subject's rank
 * interval P5–P95 around its nominal rank, subjects in nominal order (as COINr's
 * plot_uncertainty shows it). Charts are drawn for the first 12 groups.
 * @param note  printed under the title (e.g. the reproducing command line); may be NULL
 * @return as jx_review_write_xlsx().
 */
JX_API jx_err jx_sensitivity_write_xlsx(const jx_sensitivity *s, const char *note, const char *path,
                                        jx_errmsg *msg);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_CHARTS_H */
