/* report.h — a student's lab report from the ledger: Markdown, one self-contained HTML file
 * (figures inline as SVG, every piece of student text escaped), or JSON. Marked incomplete,
 * with what is missing, until every lock, every reflection and the governance choice exist.
 * Native only (the static build assembles its report in the browser). */
#ifndef FLEETOPS_REPORT_H
#define FLEETOPS_REPORT_H

#include "fleetops/buf.h"
#include "fleetops/command.h"
#include "fleetops/store.h"

/* How evidence figures are kept drawn for the HTML report. Its printed column is A4 less
 * web/report.css's 15 mm margins: 180 mm = 680 CSS px at 96 px/in (US Letter's is wider), and a
 * figure may take at most 240 mm of a page's height (report.css), 907 px at that scale. A figure
 * is drawn for the first width of FO_REPORT_FIGURE_WIDTHS and, while it comes out taller than
 * the page allows (its panels stacked), for the wider ones, keeping the width it prints largest
 * at (min(680 / width, 907 / height)). Both builds read these from the schema ("report_figure":
 * src/api/command.c), so the server's kept figures and the static build's are drawn alike. */
#define FO_REPORT_FIGURE_WIDTHS     680, 860, 1000, 1200
#define FO_REPORT_FIGURE_COLUMN_PX  680
#define FO_REPORT_FIGURE_MAX_HEIGHT 907

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
