// iamspec's public API (architecture.md "Public API").
export * from './engine/index.ts';
export { readPolicy, PolicyError, formatFinding } from './policy/index.ts';
export type { Finding, Policy, PolicyType, Position, Span, Severity } from './policy/model.ts';
export { loadSuites, loadSuite } from './scenario/loader.ts';
export { runSuites } from './scenario/runner.ts';
export { SuiteError, type Suite, type Case, type Expectation } from './scenario/model.ts';
export type { Report, CaseResult, ReportSummary } from './scenario/report.ts';
