// iamspec's public API (architecture.md "Public API").
export * from './engine/index.ts';
export { readPolicy, PolicyError, formatFinding } from './policy/index.ts';
export type { Finding, Policy, PolicyType, Position, Span, Severity } from './policy/model.ts';
