// The engine's public surface: compile once, evaluate many.
export { compilePolicy, compileParsedPolicy, type CompiledPolicy, type CompiledStatement, type CompileOptions } from './compile.ts';
export { applicability, compilePolicySet, missingContext, PolicySet, type Applicability, type PolicySetInput } from './decide.ts';
export { evaluate, explain } from './evaluate.ts';
export {
  makeRequest,
  parsePrincipal,
  RequestError,
  type ContextMap,
  type ContextType,
  type ContextValue,
  type Principal,
  type PrincipalInput,
  type PrincipalKind,
  type Request,
  type RequestInput,
} from './request.ts';
export { parseArn, type ParsedArn } from './arn.ts';
export { ASSUMPTION_IDS, ASSUMPTION_RULES, type AssumptionId, type AssumptionRule, type AssumptionStatus } from './assumption-rules.ts';
export { NO_PERMISSION_ACTIONS, PROTECTED_RESOURCES, type NoPermissionAction, type ProtectedResource } from './aws-rules.ts';
export * from './types.ts';
