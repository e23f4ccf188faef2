/* report.h — a student's lab report from the ledger: Markdown, one self-contained HTML file
 * (figures inline as SVG, every piece of student text escaped), or JSON. Marked incomplete,
 * with what is missing, until every lock, every reflection and the governance choice exist.
 * Native only (the static build assembles its report in the browser). */
#ifndef FLEETOPS_REPORT_H
#define FLEETOPS_REPORT_H

#include "fleetops/buf.h"
#include "fleetops/command.h"
#include "fleetops/store.h"

typedef enum fo_report_format { FO_REPORT_MD, FO_REPORT_HTML, FO_REPORT_JSON } fo_report_format;

int fo_report_parse_format(const char *name, fo_report_format *f); /* 0, or -1 if unknown */
const char *fo_report_content_type(fo_report_format f);
fo_status fo_report_render(fo_store *s, long long session, fo_report_format f, fo_buf *out,
                           fo_error *err);

/* `fleetops report` and `fleetops class`: the same, from the command line. */
extern const fo_command fo_cmd_report;
extern const fo_command fo_cmd_class;
extern const fo_command fo_cmd_ledger; /* fleetops ledger copy (src/store/cmd_ledger.c) */

#endif
