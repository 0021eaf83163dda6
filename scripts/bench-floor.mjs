// The in-process floor of the benchmark: the least work any YAML language server does before it
// can publish diagnostics for a file of Kuma manifests. Parse every document with `yaml`
// (parseAllDocuments + LineCounter), validate each Kuma resource with `ajv` against the project's
// JSON Schema for its kind and form, and place each error on a line/column. No LSP, no JSON-RPC,
// no Kuma rules, no cross-file facts: our server does all of that on top.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';

/** The project's schemas of one Kuma version: `{ resources: { kind: { kubernetes, universal } } }`. */
export function loadSchemas(root, version = '2.14') {
  return JSON.parse(fs.readFileSync(path.join(root, 'schemas', `${version}.json`), 'utf8'));
}

/** A diagnose(text) function over compiled validators (compilation is not part of the floor). */
export function makeFloor(schemas) {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validators = {};
  for (const [kind, forms] of Object.entries(schemas.resources))
    for (const [form, schema] of Object.entries(forms)) validators[`${kind}/${form}`] = ajv.compile(schema);

  return function diagnose(text) {
    const lc = new LineCounter();
    const pos = (off) => {
      const p = lc.linePos(off);
      return { line: p.line - 1, character: p.col - 1 };
    };
    const diagnostics = [];
    for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
      for (const e of doc.errors) diagnostics.push({ range: { start: pos(e.pos[0]), end: pos(e.pos[1]) }, message: e.message });
      const js = doc.toJS({ maxAliasCount: 100 });
      if (!js || typeof js !== 'object') continue;
      const key =
        typeof js.apiVersion === 'string' && js.apiVersion.startsWith('kuma.io/')
          ? `${js.kind}/kubernetes`
          : typeof js.type === 'string'
            ? `${js.type}/universal`
            : undefined;
      const validate = key && validators[key];
      if (!validate || validate(js)) continue;
      for (const err of validate.errors) {
        const [s, e] = nodeRange(doc, err.instancePath);
        diagnostics.push({ range: { start: pos(s), end: pos(e) }, message: `${err.instancePath} ${err.message}` });
      }
    }
    return diagnostics;
  };
}

/** The YAML node an ajv instancePath points at (its nearest existing ancestor), as offsets. */
function nodeRange(doc, pointer) {
  let node = doc.contents;
  for (const seg of pointer.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    const next = isMap(node)
      ? node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key)?.value
      : isSeq(node)
        ? node.items[Number(key)]
        : undefined;
    if (!next) break;
    node = next;
  }
  return node?.range ?? doc.range;
}
