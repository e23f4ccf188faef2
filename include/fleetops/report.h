/* report.h — a student's lab report from the ledger: Markdown, one self-contained HTML file
 * (figures inline as SVG, every piece of student text escaped), or JSON. Marked incomplete,
 * with what is missing, until every lock, every reflection and the governance choice exist.
 * Native only (the static build assembles its report in the browser). */
#ifndef FLEETOPS_REPORT_H
#define FLEETOPS_REPORT_H

#include "fleetops/buf.h"
#include "fleetops/command.h"
#include "fleetops/store.h"

/* The CSS px width evidence figures are kept drawn at: the HTML report's printed column (A4
 * less web/report.css's 15 mm margins: 180 mm = 680 px at 96 px/in; US Letter's is wider), so
 * a figure prints at its own size and its text at the sizes it was drawn with. web/backends.js
 * asks the static build's figures at the same width. */
#define FO_REPORT_FIGURE_WIDTH_TEXT "680"

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
