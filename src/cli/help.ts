// Usage texts of the commands. Their option tables (OPTIONS) are in the command modules: change
// both together.

export const MAIN_HELP = `iamspec — policy-as-code tests for AWS IAM

Usage:
  iamspec test [paths…] [options]        run scenario suites (default: scenarios/)
  iamspec explain <suite.yaml> --case NAME
  iamspec explain --policy f.json … --principal ARN --action A --resource R [--context k=v …]
  iamspec diff BASE [HEAD] [options]     the access a change adds and removes (git refs or folders)
  iamspec mutate [paths…] [options]      mutation testing: would the suites notice a wrong policy?
  iamspec validate <policy.json…> [--type identity|resource|boundary|session|scp|rcp|trust|endpoint]
  iamspec merge-reports <shard.json…>    one report from the JSON reports of a --shard matrix
  iamspec init [dir]                     scaffold a policy repository (policies, suites, workflows)
  iamspec synth [paths…]                 the CDKTF stack of what the suites verified (cdktf.out/)
  iamspec validate-stack                 terraform init + validate of the synthesized stack
  iamspec from-cloudtrail EVENT.json|-   a CloudTrail event (AccessDenied …) as a case to paste
  iamspec lint [paths…] [--reporter pretty|json|sarif] [--output FILE]   policies, folders, suites
  iamspec <command> --help               options of one command
  iamspec --version

Exit codes: 0 every case passed · 1 a case failed · 2 the input could not be used
(bad YAML, bad policy, unknown name, bad arguments) · 3 internal error (please report).
`;

export const TEST_HELP = `Usage: iamspec test [paths…] [options]

Runs every case of the suites under the given files or directories (default: scenarios/).

Options:
  --reporter NAME     pretty (default) | json | junit | github — one reporter, on stdout
  --output FILE       write the reporter's output to FILE instead of stdout
  --junit-file FILE   also write a JUnit XML report to FILE (for CI test views)
  --filter TEXT       only suites/cases/properties whose name contains TEXT (case-insensitive;
                      "suite › case" or "suite > case" also match)
  --shard I/N         run the I-th of N deterministic slices (case k goes to slice k mod N + 1)
  --against MODE      local (default) | aws (IAM policy simulator) | recorded (replay recordings)
  --record            with --against aws: record the simulator's answers for --against recorded
  --strict            fail cases whose outcome rests on an assumption (README "Known
                      differences / assumptions"; the JSON report lists them per case)
  --coverage          statement coverage of the policies by the cases: per policy which
                      statements decided a case, matched but never decided, never matched, and
                      per condition key present-true / present-false / absent
  --coverage-min N    exit 1 when fewer than N % of the statements decided a case
  --coverage-file F   write coverage to F: lcov (.info/.lcov), Cobertura (.xml) or JSON (.json)
  --coverage-format X lcov | cobertura | json, when F's extension does not say
  --no-properties     skip property checks
  --allow-outside     let suites name policy files and includes outside the project root (the
                      folder holding package.json, else the git root; refused by default)
  --seed N            fast-check seed for property checks (default: fixed, so runs reproduce)
  --quiet             pretty: only failures and the summary; no progress line
  --verbose           pretty: list every passing case, however many
  -h, --help          this help

Exit codes: 0 all passed · 1 a case failed (or nothing was checked: no case or property ran, or
every one was skipped; or coverage below --coverage-min) · 2 the input could not be used (file:line:column) · 3 internal error.
`;

export const EXPLAIN_HELP = `Usage:
  iamspec explain <suite.yaml> --case NAME [--json]
  iamspec explain --policy FILE [--policy FILE …] --principal ARN --action ACTION --resource ARN
                  [--boundary FILE] [--session FILE …] [--resource-policy FILE]
                  [--resource-owner ACCOUNT] [--scp FILE[,FILE…] …] [--rcp FILE[,FILE…] …]
                  [--endpoint-policy FILE]
                  [--principal-tag KEY=VALUE …] [--resource-tag KEY=VALUE …]
                  [--context KEY=VALUE …] [--expect DECISION] [--json]

Explains one decision: the deciding statements, every gate of the decision flow, and for each
statement that did not match, the first element that failed.

  --case NAME         a case of the suite (matrix cases: the full name, or the name as written
                      to explain every expansion)
  --policy FILE       an identity policy (JSON); repeat for several
  --scp FILES         one organization level of SCPs, root first; repeat for each level
  --endpoint-policy FILE
                      the policy of the VPC endpoint the request comes through (a ceiling for
                      every caller, spec §1.8)
  --context K=V       a request context key, typed as in a suite's YAML: the IAM catalog types
                      known keys (aws:CurrentTime is a date, aws:SourceIp an ip); otherwise
                      true/false → boolean, numbers → numeric, else string. K=null removes a key;
                      K='["a","b"]' is a list; K='{"type":"ip","value":"10.0.0.1"}' states a type.
  --expect DECISION   allowed | explicitDeny | implicitDeny | denied: exit 1 when not met
  --allow-outside     with a suite: let it name files outside the project root (see test --help)
  --json              print the explanation as JSON

Exit codes: 0 explained (and as expected) · 1 not as expected · 2 bad input.
`;

export const VALIDATE_HELP = `Usage: iamspec validate <policy.json…> [--type TYPE] [--json]

Validates IAM policy documents (grammar, and actions, condition keys and resource types against
the IAM catalog) and prints every finding as file:line:column.

  --type TYPE   identity | resource | boundary | session | scp | rcp | trust | endpoint (VPC endpoint)
                (default: resource when a statement has a Principal, else identity)
  --json        print the findings as a JSON array

Exit codes: 0 no errors (warnings allowed) · 1 a policy has errors · 2 a file could not be read.
`;

export const SYNTH_HELP = `Usage: iamspec synth [suite paths…] [--outdir DIR] [--stack NAME]

Runs the suites of the deploy set (the paths given, else cdktf.json context["iamspec:scenarios"],
else scenarios/) and, when every policy and group it would deploy is verified by passing cases,
writes the CDKTF stack to cdktf.out/stacks/<stack>/cdk.tf.json: the verified documents, byte for
byte. With "app": "npx iamspec synth" in cdktf.json, \`cdktf synth\` and \`cdktf deploy\` run it.
Needs the optional packages cdktf, @cdktf/provider-aws and constructs.

  --outdir DIR    output directory (default $CDKTF_OUTDIR, else cdktf.out)
  --stack NAME    stack name (default $IAMSPEC_STACK, else iamspec)
  -h, --help      this help

Environment: IAMSPEC_ALLOW_UNVERIFIED, IAMSPEC_DEPLOY_ORG, IAMSPEC_IAM_PATH, IAMSPEC_AWS_MANAGED,
IAMSPEC_AWS_REGION, IAMSPEC_STATE_BUCKET (+ _KEY, _REGION, _LOCK_TABLE): README, "Deploying what
the suites verified".

Exit codes: 0 synthesized · 1 the gate refused (a failing or missing case, an item no passing
case depends on, or one AWS would refuse to create) · 2 the input could not be used, or an
optional package is missing.
`;

export const VALIDATE_STACK_HELP = `Usage: iamspec validate-stack [--outdir DIR] [--stack NAME]

terraform init (offline from a provider plugin directory when there is one: $TF_PLUGIN_DIR, else
/opt/tf-plugins, ~/.terraform.d/plugins, …) and terraform validate in the stack \`iamspec synth\`
wrote. Needs terraform on PATH (or $TERRAFORM).

  --outdir DIR    default $CDKTF_OUTDIR, else cdktf.out
  --stack NAME    default $IAMSPEC_STACK, else iamspec

Exit codes: terraform validate's · 2 nothing to validate (run iamspec synth) or no terraform.
`;

export const MERGE_REPORTS_HELP = `Usage: iamspec merge-reports <report.json…> [options]

Merges the JSON reports of a sharded run (\`iamspec test --shard i/n --reporter json\`, one per CI
matrix job) into the report of the whole run: its results in the run's order, its summary, its exit
code. A shard missing or given twice, shards of different n, a case in two reports, or a report of
a run that could not start is an error (exit 2): a merged report never silently covers less.
Failures are explained from the suites when they can be loaded from the working directory.

Options:
  --reporter NAME     pretty (default) | json | junit | github — one reporter, on stdout
  --output FILE       write the reporter's output to FILE instead of stdout
  --junit-file FILE   also write a JUnit XML report to FILE
  --quiet             pretty: only failures and the summary
  --verbose           pretty: list every passing case, however many
  -h, --help          this help

Exit codes: 0 all passed · 1 a case failed (or every case was skipped) · 2 the reports could not
be merged.
`;

export const INIT_HELP = `Usage: iamspec init [dir]

Scaffolds a policy repository in dir (default: the current directory): policies/ with an example
policy, scenarios/ with an example suite that passes and schema.json (editor completion), cdktf.json
for \`iamspec synth\`, the pull-request and nightly differential workflows in .github/workflows/,
and a README section (appended when README.md exists; likewise the .gitignore lines).
It never overwrites: when a file it would create exists, it lists them and writes nothing (exit 2).
`;

export const FROM_CLOUDTRAIL_HELP = `Usage: iamspec from-cloudtrail [EVENT.json … | -] [--suite FILE …] [--action ACTION]

Turns CloudTrail events into suite cases, printed as YAML to paste: the caller (userIdentity), the
action (the access-denied message, else eventSource + eventName, checked against the IAM catalog),
the resource (the message, else the event's resources / requestParameters in the catalog's ARN
format; what the event lacks is marked FILL IN), the context the event carries (MFA from
sessionContext, source IP, region, time, VPC endpoint, TLS), and the expected decision (errorCode
and the message: "with an explicit deny" → explicitDeny, "because no … policy allows" →
implicitDeny, otherwise denied; no errorCode → allowed). Comments say where each value came from.

Input: one event, a log file {"Records": [...]}, a JSON list, aws cloudtrail lookup-events output,
or an EventBridge event; - or a pipe reads standard input. In a file of several events, those
that failed for another reason (throttling, validation) are skipped.

  --suite FILE        use the name of the suite's principal with the caller's ARN (otherwise a
                      principals: block to paste is printed too); repeat for several
  --action ACTION     the permission to test, when the event's operation is not in the catalog

Exit codes: 0 converted · 2 the input could not be used (not JSON, not an event, unknown action).
`;

export const LINT_HELP = `Usage: iamspec lint [paths…] [options]

Lints IAM policies: the validator's findings, the catalog checks (unknown actions and condition
keys, operator vs key type, set operators, resource types) and the rules for the mistakes that
reach production (README "Linting"). Paths are policy files (.json), folders and suites
(.yaml); default: policies/ and scenarios/. A suite's policies are linted as the types it uses
them as, with its lint: {disable: [...]}; other policy files with the .iamspec-lint.yaml files
of their folder and the folders above it.

  --reporter NAME   pretty (default) | json | sarif (SARIF 2.1.0, for code scanning)
  --output FILE     write the report to FILE instead of stdout
  --type TYPE       the type of policy files outside suites (default: resource when a statement
                    has a Principal, else identity)
  --fail-on LEVEL   error (default) | warning: the lowest severity that makes the exit code 1

Exit codes: 0 nothing at or above --fail-on · 1 findings at or above it · 2 the input could not
be used (unreadable file, bad suite, no policies).
`;

export const DIFF_HELP = `Usage: iamspec diff BASE [HEAD] [options]

Lists the access HEAD adds and removes compared with BASE: both versions decide every case of
the suites and the requests enumerated from the IAM catalog (every action of every service the
policies name × the resources suites and policies name × the context values the conditions
tell apart). Changes are grouped by principal and by the statements responsible, each with an
example request written as a ready-to-paste case.

BASE and HEAD are git refs (branch, tag, commit) or folders; HEAD defaults to the working tree.

Options:
  --path P            suite files or folders, relative to each version's root (default:
                      scenarios/); repeat for several
  --format F          markdown (default; for a pull-request comment) | json
  --output FILE       write the report to FILE instead of stdout
  --fail-on WHAT      added | removed | any: exit 1 when such access changes
  -h, --help          this help

Exit codes: 0 compared (and nothing --fail-on names changed) · 1 access changed as --fail-on
names · 2 the input could not be used (unknown ref, bad suite or policy) · 3 internal error.
`;

export const MUTATE_HELP = `Usage: iamspec mutate [paths…] [options]

Mutation testing of the policies the suites under the paths use (default: scenarios/): each
mutant is a policy with one small mistake (an Effect flipped, a statement, condition, key, value
or NotAction entry dropped, …IfExists dropped, an Action or Resource widened to "*",
StringEquals and StringLike swapped, a number or date moved). The suites that use the policy run
against each mutant in-process; a mutant no case or property fails on survives. Surviving
mutants are printed as a line diff of the policy with a case that would kill it.

Options:
  --format F          pretty (default) | json
  --output FILE       write the report to FILE instead of stdout
  --min-score N       exit 1 when the mutation score (killed / (killed + survived)) is below N %
  --operator OP       only this operator (repeat for several): flip-effect, drop-statement,
                      drop-condition, drop-condition-key, drop-condition-value,
                      drop-if-exists, widen-action, widen-resource, drop-not-action,
                      swap-string-operator, change-number, change-date
  --no-properties     cases only: skip the suites' property checks
  --quiet             no progress on stderr
  -h, --help          this help

Exit codes: 0 done (and the score is at least --min-score) · 1 below --min-score, or nothing
was mutated (no policy of their own, no operator applies) · 2 the input
could not be used (bad suite or policy, or a case that fails on the policies as they are) ·
3 internal error.
`;
