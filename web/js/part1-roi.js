
/* part1-roi.js: Part 1, the Platform ROI Audit: the break-even point N* of an ML platform
 * against manual toil (the OpsBreakEvenPlot, the toil breakdown, the 50% toil cap). */
import { h, memo } from './dom.js';
import { fmtNum, fmtPct, fmtSig, fmtUsd } from './format.js';
import { load } from './net.js';
import { capture } from './parts.js';
import { has, lockOf, query, result } from './store.js';
import { banner, busy, errorNote, gridTable, instrument, statCards } from './widgets.js';

/* Asked only after the Part 1 lock (parts.js refreshPart), with the locked prediction. */
export function refreshRoi() {
  if (has('roi')) load('roi', 'roi', query('roi', 'roi', { predict: lockOf('roi').predicted }), { ifChanged: true });
}


export function syncRoi(out) {
  const res = result('roi');
  out.setAttribute('aria-busy', String(busy(res)));
  out.classList.toggle('is-busy', busy(res));
  memo(out, [res && res.data, res && res.svg, res && res.status === 'error'], () => {
    if (!res || !res.data) return res && res.status === 'error' ? errorNote(res) : h('p', { class: 'muted', text: 'Computing…' });
    const d = res.data;
    const t = d.toil_hours || {};
    const pt = d.platform_toil_hours || {};
    const rate = (d.engineer_cost_usd_per_hour ?? 0) * (d.horizon_years ?? 1);
    const over = d.over_toil_cap === true;
    const cap = d.toil_cap_fraction ?? 0.5;
    const curve = Array.isArray(d.curve) ? d.curve : [];
    const pred = d.prediction && Number.isFinite(Number(d.prediction.predicted)) ? Number(d.prediction.predicted) : null;
    return [
      errorNote(res),
      statCards([
        ['Break-even N*', d.break_even_models === null || d.break_even_models === undefined ? 'never in range' : `${fmtNum(d.break_even_models)} models`, 'key'],
        [`ROI at N = ${fmtNum(d.models)}`, fmtUsd(d.roi_usd), d.roi_usd >= 0 ? 'good' : 'bad'],
        ['Toil needs', `${fmtSig(d.ftes_needed, 3)} FTE`],
        ['Team time on toil', fmtPct(d.team_toil_fraction), over ? 'bad' : 'good'],
      ]),
      over
        ? banner('fail', `Toil takes ${fmtPct(d.team_toil_fraction)} of a ${fmtNum(d.team_size)}-engineer team: over the ${fmtPct(cap)} cap (Google SRE). By hand, this team can run at most ${fmtNum(d.max_models_under_toil_cap)} models under the cap.`)
        : banner('ok', `Toil takes ${fmtPct(d.team_toil_fraction)} of a ${fmtNum(d.team_size)}-engineer team, under the ${fmtPct(cap)} cap; the cap allows up to ${fmtNum(d.max_models_under_toil_cap)} models by hand.`),
      instrument(res, 'OpsBreakEvenPlot: total cost vs number of models',
        [gridTable(`Cost curve (N*${pred !== null ? ', your prediction' : ''} and the slider's N marked)`, [
          { key: 'models', label: 'N (models)', fmt: (v) => fmtNum(v) },
          { key: 'manual_toil_usd', label: 'Manual toil ($)', fmt: fmtUsd },
          { key: 'platform_total_usd', label: 'Platform total ($)', fmt: fmtUsd },
        ], curve, {
          tall: true,
          rowClass: (r) => [r.models === d.break_even_models ? 'mark-nstar' : '', r.models === pred ? 'mark-pred' : '', r.models === d.models ? 'mark-n' : ''].join(' ').trim() || null,
        })], { capture: { part: 'roi', cmd: 'roi', ch: 'roi' } }),
      h('h4', { text: `Toil breakdown at N = ${fmtNum(d.models)} (per year)` }),
      gridTable('Toil breakdown', [
        { key: 'name', label: 'Source', fmt: (v) => v },
        { key: 'manual', label: 'Manual (h)', fmt: (v) => fmtNum(v) },
        { key: 'manual_usd', label: 'Manual ($)', fmt: fmtUsd },
        { key: 'platform', label: 'Platform (h)', fmt: (v) => fmtNum(v) },
        { key: 'platform_usd', label: 'Platform ($)', fmt: fmtUsd },
      ], [
        ['Alerts: a·N', 'alerts'], ['Deployment: b·N·log₂N', 'deployment'], ['Dependencies: c·h·N(N−1)/2', 'dependencies'],
        ['Platform upkeep: U', 'upkeep'], ['Total', 'total'],
      ].map(([name, k]) => ({
        name, manual: t[k], platform: pt[k],
        manual_usd: typeof t[k] === 'number' ? t[k] * rate : null,
        platform_usd: typeof pt[k] === 'number' ? pt[k] * rate : null,
      })), { rowClass: (r) => (r.name === 'Total' ? 'total' : null) }),
    ];
  });
}
