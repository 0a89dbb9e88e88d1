// Terraform escaping of policy documents: the unit rules, what CDKTF does with `${`, and the round
// trip through a real `terraform apply` (outputs only, no provider).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdktfTokenIndex, documentJson, escapeTerraform, unescapeTerraform } from '../../stacks/escape.ts';
import { runTerraform, terraformEnv } from '../../stacks/terraform.ts';
import { missing, tempDir, tools } from './helpers.ts';

/** Every string Terraform's template syntax could touch. */
const AWKWARD: string[] = [
  '${aws:username}',
  "${aws:PrincipalTag/team, 'x'}",
  'arn:aws:s3:::b/home/${aws:username}/*',
  '%{',
  '%{ if true }x%{ endif }',
  '$$',
  '$${',
  '$${aws:username}',
  '$$${x}',
  '%%{',
  '%%%{y}',
  '$',
  '%',
  'x$',
  'x%',
  '${',
  '${${}}',
  '%{${}}',
  '$%{',
  '%${',
  '~}',
  '%{~',
  'back\\slash \\\\ and \\${ and \\"',
  'quotes " \' `',
  'Zürich ÿ é ß ñ ©',
  'line\nbreak\r\ttab',
  'a+b%20c %41 %2B 100%',
  '${*} ${?} ${$}',
];

describe('escapeTerraform', () => {
  it('escapes ${ and %{ and nothing else', () => {
    expect(escapeTerraform('a ${aws:username} b')).toBe('a $${aws:username} b');
    expect(escapeTerraform('%{if}')).toBe('%%{if}');
    expect(escapeTerraform('$$ and %% and $ { and % {')).toBe('$$ and %% and $ { and % {');
    expect(escapeTerraform('$${x}')).toBe('$$${x}');
  });

  it('avoids the `$$` replacement-pattern trap of String.prototype.replace', () => {
    // The trap: '$$' in a replacement string means one '$'.
    expect('${x}'.replace(/\$\{/g, '$${')).toBe('${x}');
    expect(escapeTerraform('${x}')).toBe('$${x}');
  });

  it('is inverted by unescapeTerraform for every string', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '%', '{', '}', 'a', '\\', '"', 'é', '\n') }), (s) => {
        expect(unescapeTerraform(escapeTerraform(s))).toBe(s);
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => unescapeTerraform(escapeTerraform(s)) === s));
  });

  it('leaves no ${ or %{ that is not escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '%', '{', 'x') }), (s) => {
        const e = escapeTerraform(s);
        // every `{` preceded by `$` (or `%`) is preceded by two of them
        for (let i = 0; i < e.length; i++) {
          if (e[i] === '{' && (e[i - 1] === '$' || e[i - 1] === '%')) expect(e[i - 2]).toBe(e[i - 1]);
        }
      }),
    );
  });

  it('the deployed text is the compact JSON of the verified text; escaped and unescaped it is the document again', () => {
    const doc = { Statement: [{ Resource: 'arn:aws:s3:::b/${aws:username}', Condition: { StringLike: { k: ['%{x}'] } } }] };
    const text = JSON.stringify(doc, null, 2);
    expect(documentJson(text)).toBe('{"Statement":[{"Resource":"arn:aws:s3:::b/${aws:username}","Condition":{"StringLike":{"k":["%{x}"]}}}]}');
    expect(escapeTerraform(documentJson(text))).toContain('b/$${aws:username}');
    expect(escapeTerraform(documentJson(text))).toContain('%%{x}');
    expect(JSON.parse(unescapeTerraform(escapeTerraform(documentJson(text))))).toEqual(doc);
  });

  it('numbers are deployed as written, never re-printed by JavaScript (issue 11 item 7)', () => {
    const text = '{"Statement": [{"Condition": {"NumericLessThan": {"s3:max-keys": [9007199254740993, 1e3, 1.50]}}}]}';
    expect(documentJson(text)).toBe('{"Statement":[{"Condition":{"NumericLessThan":{"s3:max-keys":[9007199254740993,1e3,1.50]}}}]}');
  });
});

describe('what CDKTF 0.21 does with ${ in strings', () => {
  const synth = (value: string) => {
    const t = tempDir('cdktf-esc');
    try {
      const app = new App({ outdir: t.dir, stackTraces: false });
      const stack = new TerraformStack(app, 's');
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      new IamPolicy(stack, 'p', { name: 'p', policy: value });
      new TerraformOutput(stack, 'o', { value });
      app.synth();
      const json = JSON.parse(readFileSync(join(t.dir, 'stacks/s/cdk.tf.json'), 'utf8'));
      return { policy: json.resource.aws_iam_policy.p.policy as string, output: json.output.o.value as string };
    } finally {
      t.remove();
    }
  };

  it('passes strings through unchanged: it neither escapes nor interprets ${ and %{', () => {
    for (const s of ['${aws:username}', '$${x}', '%{if}', '$$', escapeTerraform('${a} %{b} $${c}')]) {
      expect(synth(s)).toEqual({ policy: s, output: s });
    }
  });

  it('but takes ${TfToken[…]} for its own token, even behind $$, so the model refuses documents holding it', () => {
    expect(() => synth('$${TfToken[TOKEN.987654]}')).toThrow(/Unrecognized Token Key/);
    expect(cdktfTokenIndex(escapeTerraform('{"a":"${TfToken[TOKEN.1]}"}'))).toBeGreaterThanOrEqual(0);
  });
});

// ---------------------------------------------------------------------------------------------

const t = tools();
const noTerraform = missing('the Terraform escaping round trip', { terraform: t.terraform });

describe.skipIf(noTerraform)('round trip through real Terraform (outputs only, no provider)', () => {
  // Created in beforeAll, not here: a skipped describe's body still runs, but its hooks do not.
  let work: ReturnType<typeof tempDir>;
  beforeAll(() => {
    work = tempDir('tf-roundtrip');
  });
  afterAll(() => work?.remove());

  it('terraform hands back every awkward string and policy document byte for byte', async () => {
    const docs = [
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:*',
            Resource: ["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'x'}/*"],
            Condition: { StringLike: { 's3:prefix': AWKWARD } },
          },
        ],
      }),
      JSON.stringify({ Version: '2012-10-17', Statement: [] }, null, 2),
    ];
    const originals = [...AWKWARD, ...docs];
    const output: Record<string, { value: unknown }> = {};
    originals.forEach((s, i) => (output[`s${i}`] = { value: escapeTerraform(s) }));
    // a map whose keys hold template characters too (the stack's outputs are keyed by policy name)
    output.keyed = { value: { [escapeTerraform('a${b}')]: escapeTerraform('%{c}') } };
    writeFileSync(join(work.dir, 'main.tf.json'), JSON.stringify({ output }));
    const env = terraformEnv({ configDir: work.dir, pluginDir: undefined });
    const run = async (args: string[]) => {
      const r = await runTerraform(args, { cwd: work.dir, env });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      return r;
    };
    await run(['init', '-input=false', '-no-color']);
    await run(['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false']);
    const got = JSON.parse((await run(['output', '-json'])).stdout) as Record<string, { value: unknown }>;
    originals.forEach((s, i) => expect(got[`s${i}`]!.value, JSON.stringify(s)).toBe(s));
    expect(got.keyed!.value).toEqual({ 'a${b}': '%{c}' });
    // and the unescaped form would not even survive: Terraform rejects or rewrites it
    writeFileSync(join(work.dir, 'main.tf.json'), JSON.stringify({ output: { raw: { value: '${aws:username}' } } }));
    const raw = await runTerraform(['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false'], { cwd: work.dir, env });
    expect(raw.code).not.toBe(0);
  });
});
