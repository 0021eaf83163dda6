import fc from 'fast-check';

/**
 * fast-check generators of YAML texts for differential tests of a YAML parser against the `yaml`
 * package. `yamlText` mixes a wide range of YAML syntax into Kubernetes/Kuma-shaped documents
 * (block and flow collections at various indents, every core-schema scalar form, quoted and block
 * scalars, multi-line scalars, anchors, aliases, tags, directives, document markers, comments and
 * blank lines everywhere, CRLF, lone CR, BOM, tabs, trailing spaces) and then sometimes breaks the
 * text with a few random character edits, so invalid YAML is covered too. `manifestText` yields
 * only the ordinary style of `kubectl get -o yaml`, Helm output and hand-written manifests.
 *
 * A text is generated as a small tree (documents of maps, sequences and scalars, each carrying its
 * comments and style choices) and then rendered, so that indentation is consistent where the tree
 * says so and shrinking keeps the structure.
 */

interface Extra {
  /** A comment line (`# …` or `#…`), an empty line, or a line of only spaces. */
  kind: 'comment' | 'blank' | 'spaces';
  /** Indentation relative to the surrounding collection (clamped at 0). */
  dIndent: number;
  text: string;
}

type Node =
  | { k: 'empty' }
  | { k: 'scalar'; text: string }
  /** A scalar over several lines (plain, quoted or flow); continuation lines at indent + cont. */
  | { k: 'multi'; first: string; rest: readonly string[]; cont: number }
  | { k: 'block'; header: string; lines: string[] }
  | { k: 'map'; entries: Entry[]; step: number; dups: boolean }
  /** `offset` is how far the `- ` is indented under its key (0: `key:\n- a`). */
  | { k: 'seq'; items: Item[]; offset: number; compact: boolean };

interface Entry {
  key: string;
  explicit: boolean;
  props: string;
  value: Node;
  trailing: string;
  before: Extra[];
}

interface Item {
  props: string;
  value: Node;
  trailing: string;
  before: Extra[];
}

interface Doc {
  directives: string[];
  start: string;
  body: Node;
  end: string;
  before: Extra[];
}

interface Stream {
  bom: boolean;
  docs: Doc[];
  after: Extra[];
  eol: 'lf' | 'crlf' | 'mixed' | 'cr';
  finalNewline: boolean;
  lineEdits: readonly { line: number; op: 'trail' | 'tabAfterColon' | 'tabIndent' | 'spacesLine' }[];
  mutations: readonly { pos: number; op: 'ins' | 'del' | 'rep'; ch: string }[];
}

// ---------------------------------------------------------------------------------------------
// Scalars

const PLAIN_SCALARS = [
  // null
  '~',
  'null',
  'Null',
  'NULL',
  // bool (1.2 core: only true/false forms; yes/on are strings)
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'yes',
  'no',
  'on',
  'off',
  'y',
  // int
  '0',
  '-1',
  '+5',
  '42',
  '0o17',
  '0x1F',
  '0xff',
  '08080',
  '1_000',
  '0b101',
  '-0',
  '9007199254740993',
  // float
  '1.5',
  '.5',
  '-.5',
  '1e3',
  '1E-3',
  '+1.5e+2',
  '1.',
  '1.50',
  '0.0',
  '-0.0',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  // strings that look like numbers or dates
  '1.2.3',
  '3.0.1',
  '12:30:00',
  '2001-12-14',
  '0.0.0.0/0',
  '10.0.0.1',
  '1_0_',
  // strings with indicators inside
  'web',
  'kuma-demo',
  'kuma.io/service',
  'a b c',
  'a:b',
  'http://web.svc:8080/path?q=1',
  'a#b',
  'a # trailing comment',
  '-x',
  'x-',
  'a - b',
  'key=value',
  'wéb',
  'svc-😀',
  '日本語',
  'a, b',
  'x?',
  '?x',
  ':x',
];
/** Invalid in a value position (or a flow collection where a plain scalar was meant). */
const BAD_PLAIN_SCALARS = ['@x', '`x', '- x', 'a: b', '%x', '|x', '{{ .Values.name }}', '*undefined-anchor'];

const SINGLE_QUOTED = ["'it''s'", "''", "'a # b'", "'  spaced  '", "'kuma.io/service'", "'123'", "'true'", "'é'", "'a: b'"];
const DOUBLE_QUOTED = [
  '"a\\nb"',
  '"\\t"',
  '"say \\"hi\\""',
  '"\\u00e9"',
  '"\\x41"',
  '"\\U0001F600"',
  '"\\/"',
  '"\\\\"',
  '"\\0"',
  '"\\e\\a\\b"',
  '"\\N\\_\\L\\P"',
  '""',
  '"😀"',
  '"123"',
  '"null"',
  '"a # b"',
];
const BAD_QUOTED = ['"bad \\q escape"', '"unterminated', "'unterminated", '"\\x4"'];
const ALIASES = ['*a', '*b', '*anchor-1'];

const FLOW_SCALARS = ['a', '1', 'true', '~', '"q"', "'s'", 'kuma.io/zone', '.5', 'a b', '-1'];
const BAD_FLOW_SCALARS = ['', '*a', '- x', '[', '}', 'a: b: c'];

function flowCollection(wild: boolean): fc.Arbitrary<string> {
  const scalars = wild ? [...FLOW_SCALARS, ...BAD_FLOW_SCALARS] : FLOW_SCALARS;
  return fc.letrec<{ flow: string; item: string }>((tie) => ({
    flow: fc
      .record({
        kind: fc.constantFrom('seq', 'map'),
        items: fc.array(tie('item'), { maxLength: 4 }),
        sep: fc.constantFrom(', ', ',', ' , ', ',  '),
        pad: fc.constantFrom('', ' '),
        trailingComma: fc.boolean(),
        keys: fc.array(fc.constantFrom('a', 'b', 'k', '"q k"', 'port', '? x', ''), { minLength: 4, maxLength: 4 }),
      })
      .map(({ kind, items, sep, pad, trailingComma, keys }) => {
        const seen = new Set<string>();
        const parts =
          kind === 'seq'
            ? items
            : items.map((it, i) => {
                // Unique keys unless wild (a duplicate is an error).
                const k = !wild && seen.has(keys[i]) ? `k${i}` : keys[i];
                seen.add(k);
                return k === '' ? it : `${k}: ${it}`;
              });
        const body = parts.join(sep) + (trailingComma && parts.length > 0 ? ',' : '');
        return kind === 'seq' ? `[${pad}${body}${pad}]` : `{${pad}${body}${pad}}`;
      }),
    item: fc.oneof({ depthSize: 'small', maxDepth: 3 }, fc.constantFrom(...scalars), tie('flow')),
  })).flow;
}

const randomPlain = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9./_-]{0,12}$/);
const randomDoubleQuoted = fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s));
const randomSingleQuoted = fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/'/g, "''")}'`);
const randomUnicodeQuoted = fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => JSON.stringify(s));

function inlineScalar(wild: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...PLAIN_SCALARS) },
    { weight: 3, arbitrary: randomPlain },
    { weight: 2, arbitrary: fc.constantFrom(...SINGLE_QUOTED) },
    { weight: 2, arbitrary: fc.constantFrom(...DOUBLE_QUOTED) },
    { weight: 1, arbitrary: randomDoubleQuoted },
    { weight: 1, arbitrary: randomSingleQuoted },
    { weight: 1, arbitrary: randomUnicodeQuoted },
    { weight: wild ? 2 : 1, arbitrary: fc.constantFrom(...ALIASES) },
    { weight: 2, arbitrary: flowCollection(wild) },
    { weight: wild ? 2 : 0, arbitrary: fc.constantFrom(...BAD_PLAIN_SCALARS, ...BAD_QUOTED) },
  );
}

const MULTI = [
  { first: 'first words', rest: ['continued here', 'and more'] },
  { first: 'plain', rest: ['', 'after a blank line'] },
  { first: '"double', rest: ['quoted  ', '', 'folded"'] },
  { first: '"escaped \\', rest: ['line break"'] },
  { first: "'single", rest: ["quoted '' here'"] },
  { first: '[a,', rest: ['b, c]'] },
  { first: '{a: 1,', rest: ['b: [x, y]}'] },
];
const BAD_MULTI = [
  { first: 'a', rest: ['b # comment ends it', 'c'] },
  { first: '"unterminated', rest: ['still going'] },
  { first: '[a,', rest: ['b'] },
];

function multiScalar(wild: boolean): fc.Arbitrary<Node> {
  return fc
    .record({ shape: fc.constantFrom(...(wild ? [...MULTI, ...BAD_MULTI] : MULTI)), cont: fc.constantFrom(1, 2, 4) })
    .map(({ shape, cont }) => ({ k: 'multi', first: shape.first, rest: shape.rest, cont }));
}

const BLOCK_HEADERS = ['|', '|-', '|+', '>', '>-', '>+', '|2', '>1', '|2-', '|-2', '| # c', '>+ #c'];
function blockScalar(wild: boolean): fc.Arbitrary<Node> {
  return fc.record({
    k: fc.constant('block' as const),
    header: fc.constantFrom(...BLOCK_HEADERS, ...(wild ? ['|0', '|x', '>#c', '|10'] : [])),
    lines: fc.array(
      fc.constantFrom(
        'line one',
        'line two',
        '  more indented',
        '',
        '',
        ' ',
        'text # not a comment',
        'tab\there',
        'key: value',
        '- item',
        '---',
      ),
      { maxLength: 5 },
    ),
  });
}

// ---------------------------------------------------------------------------------------------
// Comments, keys, properties

const COMMENTS = ['# comment', '#no space', '# kuma-version: 2.14', '# ---', '# key: value', '#', '# é 😀', '#\t tab'];

const extra: fc.Arbitrary<Extra> = fc.record({
  kind: fc.constantFrom('comment', 'comment', 'blank', 'spaces'),
  dIndent: fc.constantFrom(0, 0, 0, -2, 2, 5, -40),
  text: fc.constantFrom(...COMMENTS),
});
const extras = fc.oneof({ weight: 4, arbitrary: fc.constant([] as Extra[]) }, { weight: 2, arbitrary: fc.array(extra, { maxLength: 3 }) });

function trailing(wild: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: fc.constantFrom(' # trailing', '  #c', ' #', ' # é', ' ') },
    { weight: wild ? 1 : 0, arbitrary: fc.constant('#glued') },
  );
}

const KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'labels',
  'annotations',
  'spec',
  'ports',
  'port',
  'targetPort',
  'appProtocol',
  'selector',
  'matchLabels',
  'dataplaneTags',
  'kuma.io/service',
  'k8s.kuma.io/service-name',
  'kuma.io/mesh',
  'app',
  'status',
  'a',
  'b',
  'key with spaces',
  'x-y_z.w',
  '1',
  '0x1F',
  'true',
  'null',
  '~',
  '"quoted key"',
  "'single key'",
  '"a:b"',
  '"a\\tb"',
  'é',
  '😀',
  '<<',
  '-dash',
  '&k anchored',
  '!!str tagged',
];
const BAD_KEYS = ['[a, b]', '{a: 1}', '*a', '"multi\n  line"', 'a: b', '- x', '? y'];

function keyArb(wild: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...KEYS) },
    { weight: 2, arbitrary: randomPlain },
    { weight: wild ? 1 : 0, arbitrary: fc.constantFrom(...BAD_KEYS) },
  );
}

function propsArb(wild: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: fc.constantFrom('&a ', '&b ', '&anchor-1 ', '!Custom ', '&a !Custom ', '!Custom &b ', '!<tag:x,2000:y> ') },
    { weight: 1, arbitrary: fc.constantFrom('!!str ', '!!int ', '!!map ', '!!seq ', '!!null ') },
    { weight: wild ? 1 : 0, arbitrary: fc.constantFrom('!e!local ', '!! ', '&a &b ', '&', '!!str&x ') },
  );
}

// ---------------------------------------------------------------------------------------------
// Profiles

interface Profile {
  scalar: fc.Arbitrary<Node>;
  key: fc.Arbitrary<string>;
  explicitKey: fc.Arbitrary<boolean>;
  props: fc.Arbitrary<string>;
  trailing: fc.Arbitrary<string>;
  extras: fc.Arbitrary<Extra[]>;
  step: fc.Arbitrary<number>;
  offset: fc.Arbitrary<number>;
  compact: fc.Arbitrary<boolean>;
  dups: fc.Arbitrary<boolean>;
  depth: number;
  /** Invalid input on purpose: bad tokens, tab indents, lone CR, random character edits. */
  wild: boolean;
  /** The whole range of syntax (directives, markers with content, BOM, CRLF, …) or manifests only. */
  full: boolean;
}

function fullProfile(wild: boolean): Profile {
  return {
    scalar: fc.oneof(
      { weight: 12, arbitrary: inlineScalar(wild).map((text): Node => ({ k: 'scalar', text })) },
      { weight: 2, arbitrary: fc.constant<Node>({ k: 'empty' }) },
      { weight: 2, arbitrary: multiScalar(wild) },
      { weight: 3, arbitrary: blockScalar(wild) },
    ),
    key: keyArb(wild),
    explicitKey: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    props: propsArb(wild),
    trailing: trailing(wild),
    extras,
    step: fc.constantFrom(2, 2, 2, 4, 1, 3),
    offset: fc.constantFrom(0, 2, 2, 4, 1),
    compact: fc.boolean(),
    dups: wild ? fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false),
    depth: wild ? 4 : 3,
    wild,
    full: true,
  };
}

const MANIFEST_VALUES = [
  'web',
  'kuma-demo',
  'default',
  'MeshService',
  'kuma.io/v1alpha1',
  'v1',
  'http',
  'tcp',
  'Available',
  '80',
  '8080',
  '6379',
  'true',
  'false',
  'null',
  '"8080"',
  '"true"',
  "'web'",
  '"kuma.io/service"',
  '"2024-01-01T00:00:00Z"',
  '2024-01-01T00:00:00Z',
  '10.0.0.1',
  'redis.default.svc.cluster.local',
  '"{{ .DisplayName }}.mesh"',
  '"1.2"',
  'Cluster',
  '{}',
  '[]',
];
const MANIFEST_KEYS = KEYS.slice(0, 22);
const MANIFEST_COMMENTS = ['# comment', '# kuma-version: 2.14', '# Source: chart/templates/ms.yaml'];

const manifestProfile: Profile = {
  scalar: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...MANIFEST_VALUES).map((text): Node => ({ k: 'scalar', text })) },
    { weight: 2, arbitrary: randomPlain.map((text): Node => ({ k: 'scalar', text })) },
    { weight: 1, arbitrary: fc.constant<Node>({ k: 'empty' }) },
  ),
  key: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...MANIFEST_KEYS) }, { weight: 1, arbitrary: randomPlain }),
  explicitKey: fc.constant(false),
  props: fc.constant(''),
  trailing: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constant(' # note') }),
  extras: fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as Extra[]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.record({
          kind: fc.constantFrom('comment', 'blank'),
          dIndent: fc.constantFrom(0, 0, -40),
          text: fc.constantFrom(...MANIFEST_COMMENTS),
        }),
        { maxLength: 2 },
      ),
    },
  ),
  step: fc.constant(2),
  offset: fc.constantFrom(0, 2),
  compact: fc.constant(true),
  dups: fc.constant(false),
  depth: 4,
  wild: false,
  full: false,
};

function nodeArbitraries(p: Profile): (depth: number) => fc.Arbitrary<Node> {
  const memo = new Map<number, fc.Arbitrary<Node>>();
  const node = (depth: number): fc.Arbitrary<Node> => {
    const hit = memo.get(depth);
    if (hit) return hit;
    if (depth === 0) return p.scalar;
    const child = node(depth - 1);
    const map: fc.Arbitrary<Node> = fc.record({
      k: fc.constant('map' as const),
      entries: fc.array(
        fc.record({ key: p.key, explicit: p.explicitKey, props: p.props, value: child, trailing: p.trailing, before: p.extras }),
        { minLength: 1, maxLength: 4 },
      ),
      step: p.step,
      dups: p.dups,
    });
    const seq: fc.Arbitrary<Node> = fc.record({
      k: fc.constant('seq' as const),
      items: fc.array(fc.record({ props: p.props, value: child, trailing: p.trailing, before: p.extras }), { minLength: 1, maxLength: 3 }),
      offset: p.offset,
      compact: p.compact,
    });
    const arb = fc.oneof({ weight: 5, arbitrary: p.scalar }, { weight: 3, arbitrary: map }, { weight: 2, arbitrary: seq });
    memo.set(depth, arb);
    return arb;
  };
  return node;
}

// ---------------------------------------------------------------------------------------------
// Rendering

const sp = (n: number) => ' '.repeat(Math.max(0, n));

function renderExtras(list: Extra[], indent: number, out: string[]): void {
  for (const e of list) {
    if (e.kind === 'blank') out.push('');
    else if (e.kind === 'spaces') out.push(sp(indent + Math.abs(e.dIndent) + 1));
    else out.push(sp(indent + e.dIndent) + e.text);
  }
}

/** Renders `node` as the value after `head` (a line prefix ending where the value starts). */
function renderValue(head: string, node: Node, propsText: string, trail: string, indent: number, childIndent: number, out: string[]): void {
  const withProps = propsText.trimEnd();
  switch (node.k) {
    case 'empty':
      out.push(head + (withProps ? ` ${withProps}` : '') + trail);
      return;
    case 'scalar':
      out.push(`${head} ${propsText}${node.text}${trail}`);
      return;
    case 'multi':
      out.push(`${head} ${propsText}${node.first}`);
      for (const r of node.rest) out.push(r === '' ? '' : sp(indent + node.cont) + r);
      return;
    case 'block':
      out.push(`${head} ${propsText}${node.header}${trail}`);
      for (const l of node.lines) out.push(l === '' ? '' : sp(indent + 2) + l);
      return;
    case 'map':
    case 'seq':
      out.push(head + (withProps ? ` ${withProps}` : '') + trail);
      renderNode(node, childIndent, out);
      return;
  }
}

function renderNode(node: Node, indent: number, out: string[]): void {
  switch (node.k) {
    case 'map': {
      const seen = new Set<string>();
      for (const e of node.entries) {
        if (!node.dups && seen.has(e.key)) continue;
        seen.add(e.key);
        renderExtras(e.before, indent, out);
        const childIndent = indent + (e.value.k === 'seq' ? e.value.offset : node.step);
        if (e.explicit) {
          out.push(`${sp(indent)}? ${e.key}`);
          renderValue(`${sp(indent)}:`, e.value, e.props, e.trailing, indent, childIndent || indent + 2, out);
        } else {
          renderValue(`${sp(indent)}${e.key}:`, e.value, e.props, e.trailing, indent, childIndent, out);
        }
      }
      return;
    }
    case 'seq':
      for (const it of node.items) {
        renderExtras(it.before, indent, out);
        const v = it.value;
        if ((v.k === 'map' || v.k === 'seq') && node.compact && it.props === '' && it.trailing === '') {
          // `- key: v` / `- - a`: the child's first line shares the line of the dash.
          const child: string[] = [];
          renderNode(v, indent + 2, child);
          const first = child.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
          if (first >= 0 && child[first].startsWith(sp(indent + 2)) && child[first][indent + 2] !== ' ') {
            out.push(...child.slice(0, first));
            out.push(`${sp(indent)}- ${child[first].slice(indent + 2)}`);
            out.push(...child.slice(first + 1));
            continue;
          }
        }
        renderValue(`${sp(indent)}-`, v, it.props, it.trailing, indent, indent + 2, out);
      }
      return;
    default:
      renderValue('', node, '', '', indent, indent, out);
      // A top-level scalar: drop the leading space renderValue puts after the empty head.
      out[out.length - 1 - (node.k === 'multi' ? node.rest.length : node.k === 'block' ? node.lines.length : 0)] = out[
        out.length - 1 - (node.k === 'multi' ? node.rest.length : node.k === 'block' ? node.lines.length : 0)
      ].replace(/^ /, '');
  }
}

function renderDoc(doc: Doc, index: number, prevEnded: boolean, out: string[]): void {
  renderExtras(doc.before, 0, out);
  out.push(...doc.directives);
  let start = doc.start;
  // Keep documents apart (a missing `---` would merge them) and directives valid, most of the time.
  if (start === '' && (doc.directives.length > 0 || (index > 0 && !prevEnded))) start = '---';
  const b = doc.body;
  if (start !== '' && (b.k === 'scalar' || b.k === 'block' || b.k === 'multi') && !start.includes('#')) {
    // `--- text` / `--- |`: content on the marker line.
    renderValue(start, b, '', '', 0, 0, out);
  } else {
    if (start !== '') out.push(start);
    renderNode(b, 0, out);
  }
  if (doc.end !== '') out.push(doc.end);
}

function applyLineEdits(lines: string[], edits: Stream['lineEdits']): void {
  if (lines.length === 0) return;
  for (const { line, op } of edits) {
    const i = line % lines.length;
    const l = lines[i];
    if (op === 'trail') lines[i] = `${l}  `;
    else if (op === 'tabAfterColon') lines[i] = l.replace(': ', ':\t');
    else if (op === 'tabIndent') lines[i] = l.replace(/^ {2}/, '\t');
    else lines[i] = '   ';
  }
}

function renderStream(s: Stream): string {
  const lines: string[] = [];
  let prevEnded = false;
  s.docs.forEach((d, i) => {
    // Directives may only follow a document that ended with `...`.
    if (i > 0 && !prevEnded && d.directives.length > 0) {
      lines.push('...');
      prevEnded = true;
    }
    renderDoc(d, i, prevEnded, lines);
    prevEnded = d.end !== '';
  });
  renderExtras(s.after, 0, lines);
  applyLineEdits(lines, s.lineEdits);
  let text = '';
  lines.forEach((l, i) => {
    const eol = s.eol === 'lf' ? '\n' : s.eol === 'crlf' ? '\r\n' : s.eol === 'cr' ? (i % 3 === 0 ? '\r' : '\n') : i % 2 ? '\r\n' : '\n';
    text += i === lines.length - 1 && !s.finalNewline ? l : l + eol;
  });
  for (const m of s.mutations) {
    const pos = text.length === 0 ? 0 : m.pos % (text.length + 1);
    if (m.op === 'ins') text = text.slice(0, pos) + m.ch + text.slice(pos);
    else if (m.op === 'del') text = text.slice(0, pos) + text.slice(pos + 1);
    else text = text.slice(0, pos) + m.ch + text.slice(pos + 1);
  }
  return (s.bom ? '\uFEFF' : '') + text;
}

// ---------------------------------------------------------------------------------------------
// Streams

const DOC_STARTS = ['', '', '---', '---', '--- # doc comment', '--- !Custom', '--- &doc', '--- !!map', '---  '];
const BAD_DOC_STARTS = ['---#x', '--- -', '--- a: b'];
const DOC_ENDS = ['', '', '', '', '...', '... # end', '...  '];
const DIRECTIVES = [
  [],
  [],
  [],
  [],
  [],
  [],
  ['%YAML 1.2'],
  ['%TAG !e! tag:example.com,2000:'],
  ['%YAML 1.2', '# between'],
  ['%YAML 1.1'],
  ['%FOO bar'],
];
const MUTATION_CHARS = [' ', ':', '-', '#', '\t', '\n', '"', "'", '[', '{', '}', '&', '*', '!', '|', '>', '?', ',', 'x', 'é', '\r'];

function streamArbitrary(p: Profile): fc.Arbitrary<string> {
  const node = nodeArbitraries(p);
  const body = fc.oneof(
    { weight: 7, arbitrary: node(p.depth).filter((n) => n.k === 'map') },
    { weight: p.full ? 2 : 0, arbitrary: node(p.depth) },
    { weight: 1, arbitrary: node(p.depth - 1).filter((n) => n.k === 'seq') },
  );
  const doc: fc.Arbitrary<Doc> = fc.record({
    directives: p.full ? fc.constantFrom(...DIRECTIVES) : fc.constant([]),
    start: p.full ? fc.constantFrom(...DOC_STARTS, ...(p.wild ? BAD_DOC_STARTS : [])) : fc.constantFrom('', '---'),
    body,
    end: p.full ? fc.constantFrom(...DOC_ENDS) : fc.constant(''),
    before: p.extras,
  });
  const stream: fc.Arbitrary<Stream> = fc.record({
    bom: p.full ? fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false),
    docs: fc.array(doc, { minLength: 1, maxLength: 3 }),
    after: p.extras,
    eol: p.full
      ? fc.constantFrom('lf', 'lf', 'lf', 'lf', 'crlf', 'crlf', ...(p.wild ? (['mixed', 'cr'] as const) : (['mixed'] as const)))
      : fc.constant('lf'),
    finalNewline: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    lineEdits: p.full
      ? fc.array(
          fc.record({
            line: fc.nat(),
            op: fc.constantFrom(
              ...(p.wild ? (['trail', 'tabAfterColon', 'tabIndent', 'spacesLine'] as const) : (['trail', 'tabAfterColon'] as const)),
            ),
          }),
          { maxLength: 2 },
        )
      : fc.constant([]),
    mutations: p.wild
      ? fc.oneof(
          { weight: 1, arbitrary: fc.constant([]) },
          {
            weight: 1,
            arbitrary: fc.array(
              fc.record({ pos: fc.nat(), op: fc.constantFrom('ins', 'del', 'rep'), ch: fc.constantFrom(...MUTATION_CHARS) }),
              {
                minLength: 1,
                maxLength: 3,
              },
            ),
          },
        )
      : fc.constant([]),
  });
  return stream.map(renderStream);
}

/**
 * YAML texts shaped like Kubernetes/Kuma manifests, exercising a wide range of YAML syntax. Half
 * use only well-formed constructs (most of those parse without errors); the other half add
 * invalid tokens, tab indentation, lone CRs and random character edits.
 */
export const cleanYamlText = streamArbitrary(fullProfile(false));
export const yamlText: fc.Arbitrary<string> = fc.oneof(streamArbitrary(fullProfile(false)), streamArbitrary(fullProfile(true)));

/** Ordinary manifests only: block maps and sequences, plain and quoted scalars, comments, blank lines, `---`. */
export const manifestText: fc.Arbitrary<string> = streamArbitrary(manifestProfile);

/** The characters whose insertion or deletion moves a manifest around the block-YAML subset's edges. */
const SUBSET_EDITS = [
  ...[' ', ' ', '  ', '\n', '\n', '#', '# c\n', '- ', ':', ': ', 'x', '"', "'", '{}', '[]', '\n\n', '\n  # c\n', '\n# c\n'],
  ...['[a, b]', '[ "x" , 1 ]', '[a,b]', "['q', true, 0x1F, ~]", '[ ]', ' [--port, "80"]', '[a b, -1, .5]', '[x]#c', '[y] # c'],
];

/**
 * Ordinary manifests with up to four random edits (spaces, line breaks, comments, dashes, colons,
 * quotes) at random offsets: the indentation, comment placement and empty-value cases a fast
 * reader of block YAML has to get exactly right, valid or not.
 */
export const editedManifestText: fc.Arbitrary<string> = fc
  .tuple(
    manifestText,
    fc.array(fc.record({ pos: fc.nat(), del: fc.nat({ max: 2 }), ins: fc.constantFrom('', ...SUBSET_EDITS) }), { maxLength: 4 }),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const e of edits) {
      const at = t.length ? e.pos % t.length : 0;
      t = t.slice(0, at) + e.ins + t.slice(at + e.del);
    }
    return t;
  });

/** Edited manifests with CRLF line ends (a random edit may still leave a lone LF or CR). */
export const crlfManifestText: fc.Arbitrary<string> = editedManifestText.map((t) => t.replace(/\r?\n/g, '\r\n'));

/**
 * Mappings whose values are block scalars (`|`, `|-`, and headers a fast reader leaves to
 * `yaml`: `|+`, `>`, `|2`, a comment), with lines that look like comments, keys and list items,
 * empty and space-only lines, deeper lines, and comments or blank lines after the scalar.
 */
export const blockScalarText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.record({
        key: fc.constantFrom('a', 'data', 'script', 'k'),
        header: fc.constantFrom('|', '|', '|', '|', '|-', '|-', '|-', '|+', '>', '|2', '| ', '| # c', '|-\r'),
        deeper: fc.integer({ min: 0, max: 3 }),
        lines: fc.array(
          fc.tuple(
            fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
            fc.constantFrom('text', 'text', '# c', 'k: v', '- i', '', '', '   ', 'x y', '---'),
          ),
          { maxLength: 5 },
        ),
        after: fc.constantFrom('', '', '', '\n', '\n', '# c\n', '  # c\n', '\n\n', '   \n'),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([entries, nested, crlf]) => {
    const base = nested ? '  ' : '';
    let out = nested ? 'root:\n' : '';
    for (const e of entries) {
      out += `${base}${e.key}: ${e.header}\n`;
      for (const [extra, text] of e.lines) out += text === '' ? '\n' : `${base}${' '.repeat(1 + e.deeper + extra)}${text}\n`;
      out += e.after;
    }
    return crlf ? out.replace(/\r?\n/g, '\r\n') : out;
  });
