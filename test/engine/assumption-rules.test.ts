// README "Known differences / assumptions" lists every rule of src/engine/assumption-rules.ts by
// id, marks the recorded ones, and lists nothing else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSUMPTION_IDS, ASSUMPTION_RULES } from '../../src/engine/assumption-rules.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('### Known differences / assumptions'), readme.indexOf('## Performance'));
const bullets = [...section.matchAll(/^- `([a-z0-9-]+)`( \(recorded\))?/gm)].map((m) => ({ id: m[1]!, recorded: m[2] !== undefined }));

describe('the assumption rules and the README', () => {
  it('list the same ids, each once', () => {
    expect(bullets.map((b) => b.id).sort()).toEqual([...ASSUMPTION_IDS].sort());
  });
  it('agree on which rules are recorded on decisions', () => {
    for (const b of bullets) expect(b.recorded, b.id).toBe(ASSUMPTION_RULES[b.id as keyof typeof ASSUMPTION_RULES].recorded);
  });
  it('every recorded rule states the alternative it is checked against', () => {
    for (const id of ASSUMPTION_IDS) {
      const r: { recorded: boolean; alternative?: string } = ASSUMPTION_RULES[id];
      expect(r.recorded === (r.alternative !== undefined), id).toBe(true);
    }
  });
});
