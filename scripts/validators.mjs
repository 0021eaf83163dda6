// Precompiles the schema validators with ajv's standalone code generation, so the bundles hold
// plain functions and generate no code at run time (no `new Function`: the web extension runs
// under a Content-Security-Policy without 'unsafe-eval', and the node server skips ajv's
// compile on its first validation).
//
// Writes out/validators/<version>.cjs (every kind and form of one Kuma version) and
// out/validators/index.cjs, which build.mjs puts in place of server/src/core/schema/validatorFactory.ts.
// Versions load lazily: a version's module runs on its first validation, its schema bundle on its
// first use (validation, hover or completion). The node bundles keep both in files of their own.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { default: Ajv } = require('ajv');
const { default: standaloneCode } = require('ajv/dist/standalone');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VALIDATORS_DIR = path.join(root, 'out/validators');
// The options of AJV_OPTIONS in server/src/core/schema/validatorFactory.ts, plus standalone source.
// test/unit/precompiledValidators.test.ts checks that both give the same diagnostics.
// The generated code calls the core's boundedRegExp (patterns are not tried on long values), which
// the index passes to a version's module (so that module bundles none of the core); here it only
// has to give ajv each pattern's key.
const regExp = Object.assign(
  (pattern, flags) => {
    const re = new RegExp(pattern, flags);
    return { test: (s) => re.test(s), toString: () => re.toString() };
  },
  { code: 'boundedRegExp' },
);
const AJV_OPTIONS = { allErrors: true, strict: false, allowUnionTypes: true, code: { source: true, regExp } };

/** The `spec` schema of a kind when both forms have the very same one (not the Dataplane, whose forms differ). */
function sharedSpec(forms) {
  const k = forms.kubernetes?.properties?.spec;
  const u = forms.universal?.properties?.spec;
  return k && u && typeof k === 'object' && JSON.stringify(k) === JSON.stringify(u) ? k : undefined;
}

/** Writes the modules (only those whose schema changed since the last run) and returns the index path. */
export function generateValidators(outDir = VALIDATORS_DIR) {
  fs.mkdirSync(outDir, { recursive: true });
  const versions = fs
    .readdirSync(path.join(root, 'schemas'))
    .filter((f) => /^\d+\.\d+\.json$/.test(f))
    .map((f) => f.slice(0, -'.json'.length));
  // Regenerated when the schema, this script or ajv is newer than the module.
  const self = Math.max(fs.statSync(fileURLToPath(import.meta.url)).mtimeMs, fs.statSync(require.resolve('ajv/package.json')).mtimeMs);
  for (const version of versions) {
    const src = path.join(root, 'schemas', `${version}.json`);
    const out = path.join(outDir, `${version}.cjs`);
    if (fs.existsSync(out) && fs.statSync(out).mtimeMs > Math.max(fs.statSync(src).mtimeMs, self)) continue;
    const bundle = JSON.parse(fs.readFileSync(src, 'utf8'));
    const ajv = new Ajv(AJV_OPTIONS);
    const exportsByName = {};
    // The schemas whose literal the generated code holds, and the expression of the bundle that is the same object.
    const literals = [];
    for (const [kind, forms] of Object.entries(bundle.resources)) {
      // Most kinds have the same spec in both forms (the CRD and rest.yaml are generated from one Go
      // type): it is compiled once, as "<kind>/spec", and index.cjs validates a document's spec with
      // it next to the form's own validator (which then checks no spec), so the code is not there twice.
      const shared = sharedSpec(forms);
      if (shared) {
        ajv.addSchema(shared, `${kind}/spec`);
        exportsByName[`${kind}/spec`] = `${kind}/spec`;
        literals.push([shared, `schemas.resources[${JSON.stringify(kind)}].kubernetes.properties.spec`, `${kind}/spec`]);
      }
      for (const [form, schema] of Object.entries(forms)) {
        const id = shared ? `${kind}/${form}/nospec` : `${kind}/${form}`;
        const own = shared ? { ...schema, properties: { ...schema.properties, spec: true } } : schema;
        ajv.addSchema(own, id);
        exportsByName[id] = id;
        if (!shared) literals.push([schema, `schemas.resources[${JSON.stringify(kind)}][${JSON.stringify(form)}]`, id]);
      }
    }
    let code = standaloneCode(ajv, exportsByName);
    // ajv writes a schema out again as a literal where the code refers to it. Refer to the
    // schema bundle instead, which the core imports anyway, so a bundle holds it once.
    for (const [schema, expression, id] of literals) {
      const literal = JSON.stringify(schema)
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
      const at = code.indexOf(` = ${literal};`);
      if (at < 0) throw new Error(`validators for ${version}: the schema of ${id} is not in the generated code`);
      code = `${code.slice(0, at)} = ${expression};${code.slice(at + literal.length + 4)}`;
    }
    if (!code.startsWith('"use strict";') || /\bmodule\.exports\b/.test(code))
      throw new Error(`validators for ${version}: unexpected generated code`);
    // A module that exports `(boundedRegExp) => validators by "kind/form"`.
    code = `"use strict";\nmodule.exports = (boundedRegExp) => {\nconst exports = {};\nconst schemas = require(${JSON.stringify(
      path.relative(outDir, src).split(path.sep).join('/'),
    )});${code.slice('"use strict";'.length)}\nreturn exports;\n};`;
    if (/\bnew Function\(|\beval\(/.test(code)) throw new Error(`validators for ${version}: generated code evaluates code`);
    fs.writeFileSync(`${out}.tmp`, `// Generated by scripts/validators.mjs from schemas/${version}.json. Do not edit.\n${code}\n`);
    fs.renameSync(`${out}.tmp`, out);
  }
  const index = path.join(outDir, 'index.cjs');
  fs.writeFileSync(
    index,
    `// Generated by scripts/validators.mjs: the precompiled validators, in place of validatorFactory.ts.
"use strict";
const versions = {
${versions.map((v) => `  ${JSON.stringify(v)}: () => require(${JSON.stringify(`./${v}.cjs`)}),`).join('\n')}
};
const schemaBundles = {
${versions
  .map(
    (v) =>
      `  ${JSON.stringify(v)}: () => require(${JSON.stringify(
        path
          .relative(outDir, path.join(root, 'schemas', `${v}.json`))
          .split(path.sep)
          .join('/'),
      )}),`,
  )
  .join('\n')}
};
exports.loadSchemaBundle = (version) => {
  const load = schemaBundles[version];
  if (!load) throw new Error(\`no schemas for Kuma \${version}\`);
  return load();
};
const { boundedRegExp } = require(${JSON.stringify(path.relative(outDir, path.join(root, 'server/src/core/schema/boundedRegExp.ts')).split(path.sep).join('/'))});
const loaded = {};
// A form validator that leaves the spec to the kind's shared spec validator: the two together give
// what one validator of the whole schema gives (the spec's errors with their paths in the document and in the schema).
const withSpec = (own, spec) => {
  const validate = (data) => {
    let ok = own(data);
    let errors = ok ? [] : own.errors;
    if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.prototype.hasOwnProperty.call(data, 'spec')) {
      if (!spec(data.spec, { instancePath: '/spec', parentData: data, parentDataProperty: 'spec', rootData: data })) {
        ok = false;
        errors = errors.concat(spec.errors.map((e) => ({ ...e, schemaPath: '#/properties/spec' + e.schemaPath.slice(1) })));
      }
    }
    validate.errors = ok ? null : errors;
    return ok;
  };
  return validate;
};
exports.createValidatorFactory = () => (version, kind, form) => {
  const load = versions[version];
  if (!load) throw new Error(\`no precompiled validators for Kuma \${version}\`);
  const fns = (loaded[version] ??= load()(boundedRegExp));
  const whole = fns[\`\${kind}/\${form}\`];
  const own = fns[\`\${kind}/\${form}/nospec\`];
  const spec = fns[\`\${kind}/spec\`];
  const fn = typeof whole === 'function' ? whole : typeof own === 'function' && typeof spec === 'function' ? withSpec(own, spec) : undefined;
  if (typeof fn !== 'function') throw new Error(\`no precompiled validator for \${kind} (\${form}) in Kuma \${version}\`);
  return fn;
};
`,
  );
  return index;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = Date.now();
  console.log(`${generateValidators()} (${Date.now() - t} ms)`);
}
