/**
 * Lateness percentiles against load, one line per backend and percentile, written as SVG by
 * hand (no plotting dependency). Both axes are logarithmic: load steps double, and lateness
 * spans milliseconds to seconds. Steps that missed fires are drawn hollow and labelled with
 * the share delivered.
 */
const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 200, top: 48, bottom: 56 };
const COLORS = {
  'job-scheduler': '#1f6fb4',
  'job-scheduler-postgres': '#2e8b57',
  bullmq: '#c8372d',
};
const PERCENTILES = [
  { key: 'p50', dash: '6 4', label: 'p50' },
  { key: 'p90', dash: '2 3', label: 'p90' },
  { key: 'p99', dash: '', label: 'p99' },
];

export function latenessChartSvg(ladders, { title, subtitle }) {
  const steps = ladders.flatMap((l) => l.steps.filter((s) => s.lateness.count > 0));
  if (steps.length === 0) return null;
  const jobs = steps.map((s) => s.jobs);
  const values = steps.flatMap((s) => PERCENTILES.map((p) => s.lateness[p.key]));
  const xMin = Math.min(...jobs);
  const xMax = Math.max(...jobs, xMin * 2);
  const positive = values.filter((v) => v > 0);
  const yMin = 10 ** Math.max(0, Math.floor(Math.log10(Math.min(...positive, 100))));
  const yMax = 10 ** Math.max(3, Math.ceil(Math.log10(Math.max(...values, 1000))));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v) => MARGIN.left + (Math.log(v / xMin) / Math.log(xMax / xMin)) * plotW;
  const y = (v) =>
    MARGIN.top + plotH - (Math.log10(Math.max(v, yMin) / yMin) / Math.log10(yMax / yMin)) * plotH;

  const parts = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<text x="${MARGIN.left}" y="37" fill="#555">${escape(subtitle)}</text>`,
  );
  // Grid and axes.
  for (let v = yMin; v <= yMax; v *= 10) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e3e3"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`,
    );
  }
  for (const v of [...new Set(jobs)].sort((a, b) => a - b)) {
    parts.push(
      `<line x1="${x(v)}" x2="${x(v)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#efefef"/>`,
      `<text x="${x(v)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${v >= 1000 ? `${v / 1000}k` : v}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">every-second jobs (fires per second)</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">lateness (receive time − X-Scheduled-At)</text>`,
  );
  // Reference lines: the sustained-capacity bound and the target.
  for (const [v, label] of [
    [250, 'sustained bound 250 ms'],
    [100, 'target 100 ms'],
  ]) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#7a7a7a" stroke-dasharray="1 4"/>`,
      `<text x="${MARGIN.left + 4}" y="${y(v) - 4}" fill="#666" font-size="10">${label}</text>`,
    );
  }
  // Series.
  for (const ladder of ladders) {
    const color = COLORS[ladder.backend] ?? '#333';
    const measured = ladder.steps.filter((s) => s.lateness.count > 0);
    for (const p of PERCENTILES) {
      const points = measured.map(
        (s) => `${x(s.jobs).toFixed(1)},${y(s.lateness[p.key]).toFixed(1)}`,
      );
      parts.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="${p.key === 'p99' ? 2.2 : 1.4}"${p.dash ? ` stroke-dasharray="${p.dash}"` : ''}/>`,
      );
      for (const s of measured) {
        const complete = s.delivered === s.expected;
        parts.push(
          `<circle cx="${x(s.jobs).toFixed(1)}" cy="${y(s.lateness[p.key]).toFixed(1)}" r="3" fill="${complete ? color : '#fff'}" stroke="${color}"/>`,
        );
      }
    }
    for (const s of measured.filter((m) => m.delivered < m.expected)) {
      const share = ((100 * s.delivered) / s.expected).toFixed(
        s.delivered / s.expected > 0.99 ? 2 : 0,
      );
      const nearRight = x(s.jobs) > MARGIN.left + plotW * 0.8;
      parts.push(
        `<text x="${x(s.jobs) + (nearRight ? -8 : 8)}" y="${y(s.lateness.p99) + 4}"${nearRight ? ' text-anchor="end"' : ''} fill="${color}" font-size="10">${share}% delivered</text>`,
      );
    }
  }
  // Legend.
  let ly = MARGIN.top + 6;
  const lx = MARGIN.left + plotW + 24;
  for (const ladder of ladders) {
    const color = COLORS[ladder.backend] ?? '#333';
    parts.push(
      `<text x="${lx}" y="${ly + 4}" font-weight="bold" fill="${color}">${escape(ladder.backend)}</text>`,
    );
    ly += 18;
    for (const p of PERCENTILES) {
      parts.push(
        `<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="${p.key === 'p99' ? 2.2 : 1.4}"${p.dash ? ` stroke-dasharray="${p.dash}"` : ''}/>`,
        `<text x="${lx + 34}" y="${ly + 4}">${p.label}</text>`,
      );
      ly += 16;
    }
    ly += 8;
  }
  parts.push(
    `<text x="${lx}" y="${ly + 4}" fill="#555" font-size="10">hollow: fires missed</text>`,
    `<text x="${lx}" y="${ly + 18}" fill="#555" font-size="10">sustained = all delivered,</text>`,
    `<text x="${lx}" y="${ly + 30}" fill="#555" font-size="10">no duplicate, p99 &lt; 250 ms</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
