import assert from 'node:assert/strict';
import { test } from 'node:test';
import Ajv from 'ajv';
import { boundedRegExp } from '../../server/src/core/schema/boundedRegExp';
import { MAX_PATTERN_INPUT } from '../../server/src/core/yaml/limits';
import { AJV_OPTIONS } from '../../server/src/core/schema/validatorFactory';

test('schema patterns run through the bounded engine: each pattern keeps its own regex', () => {
  // ajv keys compiled patterns by their toString(): two patterns must not share one regex.
  const validate = new Ajv(AJV_OPTIONS).compile({
    type: 'object',
    properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } },
  });
  assert.equal(validate({ a: 'aaa', b: 'bb' }), true);
  assert.equal(validate({ a: 'aaa', b: 'aa' }), false);
  assert.deepEqual(
    validate.errors?.map((e) => e.instancePath),
    ['/b'],
  );
});

test('values longer than the pattern limit do not match, shorter ones do', () => {
  const re = boundedRegExp('^[0-9]+(ms|s)$', 'u');
  assert.equal(re.test(`${'1'.repeat(MAX_PATTERN_INPUT - 2)}ms`), true);
  assert.equal(re.test(`${'1'.repeat(MAX_PATTERN_INPUT)}ms`), false);
  assert.equal(String(re), String(/^[0-9]+(ms|s)$/u));
});
