// Lint reports: pretty (file:line:column lines, for people), JSON (for scripts) and SARIF 2.1.0
// (for code scanning: GitHub's upload-sarif shows each finding on its line in pull requests).

import type { Finding, Severity } from '../policy/model.ts';
import { RULES, ruleId } from '../policy/lint/index.ts';
import type { LintReport } from './run.ts';

export interface Counts {
  error: number;
  warning: number;
  suggestion: number;
  suppressed: number;
}

export function counts(findings: readonly Finding[]): Counts {
  const c: Counts = { error: 0, warning: 0, suggestion: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressed) c.suppressed++;
    else c[f.severity]++;
  }
  return c;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatLintPretty(report: LintReport, paint: { red(s: string): string; yellow(s: string): string; dim(s: string): string }): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    if (f.suppressed) continue;
    const sev = f.severity === 'error' ? paint.red('error') : f.severity === 'warning' ? paint.yellow('warning') : paint.dim('suggestion');
    lines.push(`${f.file ?? f.policy}:${f.position.line}:${f.position.column}: ${sev} ${f.code} ${paint.dim(`[${ruleId(f.code)}]`)}: ${f.message}`);
  }
  const c = counts(report.findings);
  const summary = [plural(c.error, 'error'), plural(c.warning, 'warning'), plural(c.suggestion, 'suggestion')].join(', ');
  const scope = `${plural(report.policies, 'policy').replace('policys', 'policies')}${report.suites ? `, ${plural(report.suites, 'suite')}` : ''}`;
  lines.push(`${lines.length ? '\n' : ''}${summary} (${scope}${c.suppressed ? `; ${c.suppressed} disabled` : ''})`);
  return lines.join('\n') + '\n';
}

export function formatLintJson(report: LintReport): string {
  const c = counts(report.findings);
  const findings = report.findings.map((f) => ({
    file: f.file ?? null,
    line: f.position.line,
    column: f.position.column,
    severity: f.severity,
    rule: ruleId(f.code),
    code: f.code,
    message: f.message,
    policy: f.policy ?? null,
    path: f.path,
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
  }));
  return JSON.stringify({ summary: { ...c, policies: report.policies, suites: report.suites }, findings }, null, 2) + '\n';
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', suggestion: 'note' };
const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A relative path as a URI reference (each segment percent-encoded). */
function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

export function formatLintSarif(report: LintReport, opts: { version: string; root: string }): string {
  const codes = [...new Set(report.findings.map((f) => f.code))].sort();
  const index = new Map(codes.map((c, k) => [c, k]));
  const rules = codes.map((code) => {
    const info = RULES.find((r) => r.code === code);
    const severity = info?.severity ?? report.findings.find((f) => f.code === code)!.severity;
    return {
      id: ruleId(code),
      name: code.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _s, ch: string) => ch.toUpperCase()),
      shortDescription: { text: info ? `${code}: ${info.summary}` : code },
      ...(info ? { fullDescription: { text: `${info.summary}. Severity ${info.severity}: ${info.why}.` } } : {}),
      defaultConfiguration: { level: LEVEL[severity] },
      help: { text: 'iamspec README, "Linting": the rule table and how to disable a rule (lint: {disable: [...]} in a suite, or .iamspec-lint.yaml).' },
    };
  });
  const results = report.findings.map((f) => ({
    ruleId: ruleId(f.code),
    ruleIndex: index.get(f.code)!,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.file ?? `${f.policy}.json`), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.position.line, startColumn: f.position.column },
        },
        ...(f.policy ? { logicalLocations: [{ name: f.policy, fullyQualifiedName: `${f.policy}${f.path}`, kind: 'object' }] } : {}),
      },
    ],
    ...(f.suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.suppressed.reason ?? `disabled at ${f.suppressed.by}` }] } : {}),
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'iamspec', version: opts.version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${uri(opts.root.replace(/\\/g, '/').replace(/\/?$/, '/'))}` } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
