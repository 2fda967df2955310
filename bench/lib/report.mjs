/**
 * Tables of a run, as plain text for the terminal and as Markdown for docs/benchmarks.md
 * (the harness writes both; the document quotes the Markdown as produced).
 */

/** `columns`: [{ title, value: (row) => string|number, align?: 'left'|'right' }]. */
export function table(columns, rows) {
  const cells = rows.map((row) => columns.map((column) => format(column.value(row))));
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.map((row) => row[i].length)),
  );
  const pad = (text, i) =>
    columns[i].align === 'left' ? text.padEnd(widths[i]) : text.padStart(widths[i]);
  const text = [
    columns.map((column, i) => pad(column.title, i)).join('  '),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((row) => row.map(pad).join('  ')),
  ].join('\n');
  const markdown = [
    `| ${columns.map((column) => column.title).join(' | ')} |`,
    `| ${columns.map((column) => (column.align === 'left' ? '---' : '---:')).join(' | ')} |`,
    ...cells.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
  return { text, markdown };
}

function format(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return String(value);
}

/** "name 45%" for each measured process group, compact. */
function cpuList(resources) {
  return resources.processes
    .map((p) => `${shortName(p.name)} ${Math.round(p.cpuPercent)}%`)
    .join(', ');
}

function rssList(resources) {
  return resources.processes
    .filter((p) => p.peakRssMb !== null)
    .map((p) => `${shortName(p.name)} ${Math.round(p.peakRssMb)}`)
    .join(', ');
}

function shortName(name) {
  return name
    .replace(/^js(pg)?-[a-z]+-/, '')
    .replace(/^bull-[a-z]+-/, '')
    .replace('postgres (bench db backends)', 'pg')
    .replace('postgres (all processes)', 'pg-all')
    .replace('redis-server', 'redis');
}

export function fireTable(ladders) {
  const rows = ladders.flatMap((ladder) =>
    ladder.steps.map((step) => ({ backend: ladder.backend, ...step })),
  );
  return table(
    [
      { title: 'backend', value: (r) => r.backend, align: 'left' },
      { title: 'jobs', value: (r) => r.jobs },
      { title: 'expected', value: (r) => r.expected },
      { title: 'delivered', value: (r) => r.delivered },
      { title: 'missed', value: (r) => r.missed },
      { title: 'dup', value: (r) => r.duplicates },
      { title: 'p50 ms', value: (r) => r.lateness.p50 },
      { title: 'p90 ms', value: (r) => r.lateness.p90 },
      { title: 'p99 ms', value: (r) => r.lateness.p99 },
      { title: 'max ms', value: (r) => r.lateness.max },
      { title: 'history', value: (r) => r.historyCommitted },
      { title: 'machine CPU', value: (r) => `${Math.round(r.resources.machineBusyPercent)}%` },
      { title: 'other CPU', value: (r) => `${Math.round(r.resources.otherCpuPercent)}%` },
      { title: 'sustained', value: (r) => (r.sustained ? 'yes' : 'no'), align: 'left' },
    ],
    rows,
  );
}

export function fireResourcesTable(ladders) {
  const rows = ladders.flatMap((ladder) =>
    ladder.steps.map((step) => ({ backend: ladder.backend, ...step })),
  );
  return table(
    [
      { title: 'backend', value: (r) => r.backend, align: 'left' },
      { title: 'jobs', value: (r) => r.jobs },
      {
        title: 'CPU over the window (100% = one core)',
        value: (r) => cpuList(r.resources),
        align: 'left',
      },
      { title: 'peak RSS MB', value: (r) => rssList(r.resources), align: 'left' },
    ],
    rows,
  );
}

export function burstTable(bursts) {
  return table(
    [
      { title: 'backend', value: (r) => r.backend, align: 'left' },
      { title: 'executions', value: (r) => r.count },
      { title: 'delivered', value: (r) => r.delivered },
      { title: 'dup', value: (r) => r.duplicates },
      { title: 'history', value: (r) => r.historyCommitted },
      { title: 'first at +ms', value: (r) => r.firstDeliveryAfterDueMs },
      { title: 'drained at +ms', value: (r) => r.drainMs },
      { title: 'executions/s', value: (r) => r.executionsPerSecond },
      { title: 'lateness p50 ms', value: (r) => r.lateness.p50 },
      { title: 'p99 ms', value: (r) => r.lateness.p99 },
      { title: 'CPU (100% = one core)', value: (r) => cpuList(r.resources), align: 'left' },
      { title: 'peak RSS MB', value: (r) => rssList(r.resources), align: 'left' },
    ],
    bursts,
  );
}

export function apiTable(apis) {
  const rows = apis.flatMap((api) => api.endpoints.map((e) => ({ backend: api.backend, ...e })));
  return table(
    [
      // Two job-scheduler backends now run it: say whose rows these are.
      { title: 'backend', value: (r) => r.backend, align: 'left' },
      { title: 'endpoint', value: (r) => r.endpoint, align: 'left' },
      { title: 'connections', value: (r) => r.connections },
      { title: 'req/s', value: (r) => r.requestsPerSecond },
      { title: 'p50 ms', value: (r) => r.latencyMs.p50 },
      { title: 'p90 ms', value: (r) => r.latencyMs.p90 },
      { title: 'p99 ms', value: (r) => r.latencyMs.p99 },
      { title: 'max ms', value: (r) => r.latencyMs.max },
      { title: 'non-2xx', value: (r) => r.non2xx },
      { title: 'errors', value: (r) => r.errors },
      { title: 'CPU (100% = one core)', value: (r) => cpuList(r.resources), align: 'left' },
    ],
    rows,
  );
}

/** job-scheduler / BullMQ, where both sides have a number. */
export function ratios(results) {
  const ours = (list) => list?.find((r) => r.backend === 'job-scheduler');
  const theirs = (list) => list?.find((r) => r.backend === 'bullmq');
  const divide = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null);
  const out = {};
  const [fireOurs, fireTheirs] = [ours(results.fire), theirs(results.fire)];
  if (fireOurs && fireTheirs) {
    out.sustainedCapacity = {
      ours: fireOurs.sustainedCapacity,
      bullmq: fireTheirs.sustainedCapacity,
      ratio: divide(fireOurs.sustainedCapacity, fireTheirs.sustainedCapacity),
    };
    out.p99LatenessAtStep = fireOurs.steps
      .map((step) => {
        const other = fireTheirs.steps.find((s) => s.jobs === step.jobs);
        if (!other) return null;
        return {
          jobs: step.jobs,
          ours: step.lateness.p99,
          bullmq: other.lateness.p99,
          ratio: divide(step.lateness.p99, other.lateness.p99),
        };
      })
      .filter(Boolean);
  }
  const [burstOurs, burstTheirs] = [ours(results.burst), theirs(results.burst)];
  if (burstOurs && burstTheirs) {
    out.burstExecutionsPerSecond = {
      ours: burstOurs.executionsPerSecond,
      bullmq: burstTheirs.executionsPerSecond,
      ratio: divide(burstOurs.executionsPerSecond, burstTheirs.executionsPerSecond),
    };
  }
  return out;
}

export function ratiosText(r) {
  const lines = [];
  const x = (v) => (v === null || v === undefined ? '-' : `${v.toFixed(2)}×`);
  if (r.sustainedCapacity) {
    lines.push(
      `sustained capacity: job-scheduler ${r.sustainedCapacity.ours} jobs, BullMQ ${r.sustainedCapacity.bullmq} jobs: ${x(r.sustainedCapacity.ratio)}`,
    );
    for (const s of r.p99LatenessAtStep) {
      lines.push(
        `p99 lateness at ${s.jobs} jobs: job-scheduler ${s.ours} ms, BullMQ ${s.bullmq} ms: ${x(s.ratio)}`,
      );
    }
  }
  if (r.burstExecutionsPerSecond) {
    const b = r.burstExecutionsPerSecond;
    lines.push(
      `burst drain: job-scheduler ${b.ours ?? '-'}/s, BullMQ ${b.bullmq ?? '-'}/s: ${x(b.ratio)} (target ≥ 2×)`,
    );
  }
  return lines.join('\n');
}
