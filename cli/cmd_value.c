/*
 * cmd_value.c - `jixiao value`: parse indicator value strings and print their typed form.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "jixiao/value.h"

static const char usage_text[] =
    "usage: jixiao value [--json] [--op OP] [--unit UNIT] TEXT...\n"
    "\n"
    "Parse each TEXT as a target or actual value (指标值 / 实际完成值) and print\n"
    "one line per TEXT: its kind and typed form. See docs/value-grammar.md.\n"
    "\n"
    "  --json        one JSON object per line, e.g.\n"
    "                "
    "{\"kind\":\"number\",\"op\":\">=\",\"value\":15,\"unit\":\"场次\",\"implicit\":false}\n"
    "  --op OP       the 指标性质 column (≥, =, 定性, ...) to combine with each TEXT\n"
    "  --unit UNIT   the 度量单位 column to combine with each TEXT\n"
    "  -h, --help    this help\n"
    "\n"
    "Exit status: 0 when every TEXT parsed, 1 when any did not, 2 on a usage error.\n";

int cmd_value(int argc, char **argv, cli_ctx *ctx)
{
    (void)ctx;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"op", required_argument, NULL, 'o'},
        {"unit", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    const char *op = NULL, *unit = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = true;
            break;
        case 'o':
            op = optarg;
            break;
        case 'u':
            unit = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK;
        default:
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("value: no TEXT given");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        jx_value v;
        jx_errmsg msg;
        jx_err err = (op || unit) ? jx_value_parse_cells(op, argv[i], unit, &v, &msg)
                                  : jx_value_parse(argv[i], strlen(argv[i]), &v, &msg);
        if (err) {
            cli_error("value: %s", msg.text);
            rc = EXIT_ERR;
            continue;
        }
        char buf[1024];
        if (json) {
            jx_value_to_json(&v, buf, sizeof buf);
            puts(buf);
        } else {
            jx_value_to_text(&v, buf, sizeof buf);
            pad_to(stdout, argv[i], 24);
            printf("  %-9s %s\n", jx_kind_str(v.kind), buf);
        }
    }
    return rc;
}
