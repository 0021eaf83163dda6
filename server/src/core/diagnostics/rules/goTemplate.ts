/**
 * A small port of Go's text/template lexer and parser, enough to report the errors Kuma's
 * HostnameGenerator validator reports (`couldn't parse template: template: :1: ...`) with Go's
 * wording, and to render simple templates with Kuma's stub values (SPEC.md section 4.4).
 */

type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charconst'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | 'dot'
  | 'keyword'
  | 'comment';

interface Item {
  typ: ItemType;
  val: string;
  pos: number;
  line: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'nil', 'range', 'template', 'with']);

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}
function isAlnum(c: string): boolean {
  return c === '_' || /\p{L}|\p{Nd}/u.test(c);
}

/** Go's `%#U`: `U+005B '['`. */
function fmtU(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  // The line of an item, counted on from the previous item's (items come in text order): counting
  // from the start for each one made a template of 20,000 actions take 30 s (issue 19).
  let linePos = 0;
  let line = 1;
  const lineAt = (p: number) => {
    if (p < linePos) {
      linePos = 0;
      line = 1;
    }
    for (let i = linePos; i < p; i++) if (input.charCodeAt(i) === 10) line++;
    linePos = p;
    return line;
  };
  const emit = (typ: ItemType) => {
    items.push({ typ, val: input.slice(start, pos), pos: start, line: lineAt(start) });
    start = pos;
  };
  const fail = (msg: string) => {
    items.push({ typ: 'error', val: msg, pos: start, line: lineAt(start) });
    return false;
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (
      input.startsWith(' -}}', pos) ||
      input.startsWith('\t-}}', pos) ||
      input.startsWith('\n-}}', pos) ||
      input.startsWith('\r-}}', pos)
    ) {
      return { delim: true, trim: true };
    }
    return { delim: input.startsWith('}}', pos), trim: false };
  };
  const scanQuoted = (quote: string): boolean => {
    for (;;) {
      const c = input[pos++];
      if (c === '\\' && pos < input.length && input[pos] !== '\n') {
        pos++;
        continue;
      }
      if (c === undefined || c === '\n') return false;
      if (c === quote) return true;
    }
  };
  const atTerminator = (): boolean => {
    if (pos >= input.length) return true;
    const r = input[pos];
    if (isSpace(r) || '.,|:)('.includes(r)) return true;
    return input.startsWith('}}', pos);
  };

  // Text and actions alternate until EOF or an error.
  for (;;) {
    const x = input.indexOf('{{', pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      items.push({ typ: 'eof', val: '', pos, line: lineAt(pos) });
      return items;
    }
    pos = x;
    const trimLeft =
      input.startsWith('{{- ', x) || input.startsWith('{{-\t', x) || input.startsWith('{{-\n', x) || input.startsWith('{{-\r', x);
    if (pos > start) emit('text');
    pos += 2;
    if (trimLeft) pos += 2;
    if (input.startsWith('/*', pos)) {
      const end = input.indexOf('*/', pos + 2);
      if (end < 0) return fail('unclosed comment') ? items : items;
      pos = end + 2;
      const rd = atRightDelim();
      if (!rd.delim) return fail('comment ends before closing delimiter') ? items : items;
      pos += rd.trim ? 4 : 2;
      start = pos;
      continue;
    }
    emit('leftDelim');
    // Inside the action.
    for (;;) {
      const rd = atRightDelim();
      if (rd.delim) {
        if (parenDepth !== 0) {
          fail('unclosed left paren');
          return items;
        }
        if (rd.trim) {
          pos += 1;
          start = pos;
        }
        pos += rd.trim ? 3 : 2;
        emit('rightDelim');
        break;
      }
      if (pos >= input.length) {
        fail('unclosed action');
        return items;
      }
      const r = input[pos++];
      if (isSpace(r)) {
        while (pos < input.length && isSpace(input[pos]) && !atRightDelim().trim) pos++;
        emit('space');
      } else if (r === '=') emit('assign');
      else if (r === ':') {
        if (input[pos] !== '=') {
          fail('expected :=');
          return items;
        }
        pos++;
        emit('declare');
      } else if (r === '|') emit('pipe');
      else if (r === '"' || r === "'") {
        // Quoted strings and character constants end at their quote; a backslash escapes
        // the next character, and a newline or the end of input leaves them unterminated.
        const closed = scanQuoted(r);
        if (!closed) {
          fail(r === '"' ? 'unterminated quoted string' : 'unterminated character constant');
          return items;
        }
        emit(r === '"' ? 'string' : 'charconst');
      } else if (r === '`') {
        const end = input.indexOf('`', pos);
        if (end < 0) {
          fail('unterminated raw quoted string');
          return items;
        }
        pos = end + 1;
        emit('rawString');
      } else if (r === '$' || (r === '.' && !(pos < input.length && input[pos] >= '0' && input[pos] <= '9'))) {
        if (atTerminator()) {
          emit(r === '$' ? 'variable' : 'dot');
          continue;
        }
        while (pos < input.length && isAlnum(input[pos])) pos++;
        if (!atTerminator()) {
          fail(`bad character ${fmtU(input[pos])}`);
          return items;
        }
        emit(r === '$' ? 'variable' : 'field');
      } else if (r === '+' || r === '-' || r === '.' || (r >= '0' && r <= '9')) {
        while (pos < input.length && /[0-9a-zA-Z_.+-]/.test(input[pos])) pos++;
        if (pos < input.length && isAlnum(input[pos])) {
          fail(`bad number syntax: "${input.slice(start, pos + 1)}"`);
          return items;
        }
        emit('number');
      } else if (isAlnum(r)) {
        while (pos < input.length && isAlnum(input[pos])) pos++;
        if (!atTerminator()) {
          fail(`bad character ${fmtU(input[pos])}`);
          return items;
        }
        const word = input.slice(start, pos);
        emit(KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : 'identifier');
      } else if (r === '(') {
        parenDepth++;
        emit('leftParen');
      } else if (r === ')') {
        parenDepth--;
        if (parenDepth < 0) {
          fail('unexpected right paren');
          return items;
        }
        emit('rightParen');
      } else if (r.charCodeAt(0) < 0x7f && r.charCodeAt(0) >= 0x20) {
        emit('char');
      } else {
        fail(`unrecognized character in action: ${fmtU(r)}`);
        return items;
      }
    }
  }
}

/** Go's `item.String()` used in "unexpected X in Y". */
function itemString(i: Item): string {
  if (i.typ === 'eof') return 'EOF';
  if (i.typ === 'error') return i.val;
  if (i.typ === 'keyword') return `<${i.val}>`;
  if (i.val.length > 10) return `${JSON.stringify(i.val.slice(0, 10))}...`;
  return JSON.stringify(i.val);
}

const BUILTINS = new Set([
  'and',
  'call',
  'html',
  'index',
  'slice',
  'js',
  'len',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'urlquery',
  'eq',
  'ge',
  'gt',
  'le',
  'lt',
  'ne',
]);

/** A node of a simple action pipeline that the stub renderer can evaluate. */
type Arg = { kind: 'field'; chain: string[] } | { kind: 'string'; value: string } | { kind: 'other' };
interface Command {
  fn?: string;
  args: Arg[];
}

class ParseError extends Error {}

export interface ParsedTemplate {
  /** Parts of the output: literal text or a pipeline; undefined when the template uses control structures. */
  parts?: (string | Command[])[];
}

/** Parses like `template.New("").Funcs({label}).Parse(text)`; throws ParseError with Go's message. */
function parse(input: string, funcs: Set<string>): ParsedTemplate {
  const items = lex(input);
  let i = 0;
  const errorf = (msg: string, at: Item): never => {
    throw new ParseError(`template: :${at.line}: ${msg}`);
  };
  const unexpected = (it: Item, context: string): never => {
    if (it.typ === 'error') errorf(it.val, it);
    return errorf(`unexpected ${itemString(it)} in ${context}`, it);
  };
  const next = () => items[Math.min(i++, items.length - 1)];
  const peek = () => items[Math.min(i, items.length - 1)];
  const nextNonSpace = () => {
    let t = next();
    while (t.typ === 'space') t = next();
    return t;
  };
  const peekNonSpace = () => {
    const t = nextNonSpace();
    i--;
    return t;
  };
  let simple = true;
  const parts: (string | Command[])[] = [];
  const stack: string[] = [];

  const term = (): Arg | undefined => {
    const t = nextNonSpace();
    switch (t.typ) {
      case 'identifier':
        if (!funcs.has(t.val)) errorf(`function ${JSON.stringify(t.val)} not defined`, t);
        return { kind: 'other' };
      case 'dot':
        return { kind: 'field', chain: [] };
      case 'field':
        return { kind: 'field', chain: t.val.slice(1).split('.') };
      case 'string':
        return { kind: 'string', value: JSON.parse(t.val) as string };
      case 'rawString':
        return { kind: 'string', value: t.val.slice(1, -1) };
      case 'variable':
        if (t.val !== '$') errorf(`undefined variable ${JSON.stringify(t.val)}`, t);
        simple = false;
        return { kind: 'other' };
      case 'bool':
      case 'number':
      case 'charconst':
        simple = false;
        return { kind: 'other' };
      case 'keyword':
        if (t.val === 'nil') {
          simple = false;
          return { kind: 'other' };
        }
        i--;
        return undefined;
      case 'leftParen':
        pipeline('parenthesized pipeline', 'rightParen');
        simple = false;
        return { kind: 'other' };
      default:
        i--;
        return undefined;
    }
  };
  const command = (): Command => {
    const cmd: Command = { args: [] };
    for (;;) {
      peekNonSpace();
      const tokBefore = peekNonSpace();
      const op = term();
      if (op) {
        if (cmd.args.length === 0 && tokBefore.typ === 'identifier') cmd.fn = tokBefore.val;
        else cmd.args.push(op);
        if (peek().typ === 'field') {
          simple = false;
          next();
        }
      }
      const t = next();
      if (t.typ === 'space') continue;
      if (t.typ === 'rightDelim' || t.typ === 'rightParen') i--;
      else if (t.typ !== 'pipe') unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0 && cmd.fn === undefined) errorf('empty command', peek());
    return cmd;
  };
  const pipeline = (context: string, end: ItemType): Command[] => {
    const cmds: Command[] = [];
    // Variable declarations: `$x := ...`.
    const v = peekNonSpace();
    if (v.typ === 'variable') {
      simple = false;
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.typ === end) {
        if (cmds.length === 0) errorf(`missing value for ${context}`, t);
        return cmds;
      }
      if (
        ['bool', 'charconst', 'dot', 'field', 'identifier', 'number', 'rawString', 'string', 'variable', 'leftParen'].includes(t.typ) ||
        (t.typ === 'keyword' && t.val === 'nil')
      ) {
        i--;
        cmds.push(command());
      } else if (t.typ === 'declare' || t.typ === 'assign') {
        simple = false;
      } else unexpected(t, context);
    }
  };

  for (;;) {
    const t = next();
    if (t.typ === 'eof') break;
    if (t.typ === 'error') errorf(t.val, t);
    if (t.typ === 'text') {
      parts.push(t.val);
      continue;
    }
    if (t.typ !== 'leftDelim') unexpected(t, 'input');
    const a = nextNonSpace();
    if (a.typ === 'keyword' && a.val !== 'nil') {
      simple = false;
      switch (a.val) {
        case 'if':
        case 'range':
        case 'with':
          pipeline(a.val, 'rightDelim');
          stack.push(a.val);
          break;
        case 'else': {
          if (stack.length === 0) errorf('unexpected {{else}}', a);
          const n = nextNonSpace();
          if (n.typ === 'keyword' && (n.val === 'if' || n.val === 'with')) pipeline('else', 'rightDelim');
          else if (n.typ !== 'rightDelim') unexpected(n, 'else');
          break;
        }
        case 'end': {
          if (stack.length === 0) errorf('unexpected {{end}}', a);
          const n = nextNonSpace();
          if (n.typ !== 'rightDelim') unexpected(n, 'end');
          stack.pop();
          break;
        }
        case 'define':
        case 'block':
        case 'template': {
          // Rare in host name templates: check the balance of the action only.
          let n = nextNonSpace();
          while (n.typ !== 'rightDelim' && n.typ !== 'eof' && n.typ !== 'error') n = next();
          if (n.typ !== 'rightDelim') unexpected(n, a.val);
          if (a.val !== 'template') stack.push(a.val);
          break;
        }
        default: {
          const n = nextNonSpace();
          if (n.typ !== 'rightDelim') unexpected(n, a.val);
        }
      }
      continue;
    }
    i--;
    parts.push(pipeline('command', 'rightDelim'));
  }
  if (stack.length > 0) errorf('unexpected EOF', items[items.length - 1]);
  return { parts: simple ? parts : undefined };
}

export interface TemplateCheck {
  parseError?: string;
  renderError?: string;
  /** The stub rendering, when the template is simple enough to evaluate here. */
  rendered?: string;
}

/** The data a HostnameGenerator template is executed with (SPEC.md section 7.2). */
export interface TemplateData {
  fields: Record<'Name' | 'DisplayName' | 'Namespace' | 'Mesh' | 'Zone', string>;
  /** The `label "key"` function; undefined for a missing label (an execution error). */
  label: (key: string) => string | undefined;
}

/** Kuma's stub values for the render check (SPEC.md section 4.4). */
const STUB_DATA: TemplateData = {
  fields: { Name: 'name', DisplayName: 'displayname', Namespace: 'namespace', Mesh: 'mesh', Zone: 'zone' },
  label: () => 'label',
};

/** Parses and, with Kuma's stub values, renders a template as the HostnameGenerator validator does. */
export function checkTemplate(template: string): TemplateCheck {
  return renderTemplate(template, STUB_DATA);
}

/**
 * Parses a template and renders it with `data` when it is simple enough to evaluate here
 * (text, fields, `label`, `print`, `printf` with %s/%v, pipelines); otherwise returns neither a
 * rendering nor an error.
 */
export function renderTemplate(template: string, data: TemplateData): TemplateCheck {
  let parsed: ParsedTemplate;
  try {
    parsed = parse(template, new Set([...BUILTINS, 'label']));
  } catch (e) {
    if (e instanceof ParseError) return { parseError: e.message };
    throw e;
  }
  if (!parsed.parts) return {};
  let out = '';
  for (const part of parsed.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value: string | undefined;
    for (const cmd of part) {
      const args = cmd.args.map((a) => evalArg(a, data));
      if (args.some((a) => a === null)) return {};
      const bad = args.find((a) => typeof a === 'object');
      if (bad) return { renderError: (bad as { error: string }).error };
      const vals = args as string[];
      if (value !== undefined) vals.push(value);
      if (cmd.fn === undefined) value = vals[0];
      else if (cmd.fn === 'label') {
        const v = data.label(vals[0] ?? '');
        if (v === undefined)
          return { renderError: `template: :1: executing "" at <label>: error calling label: label ${vals[0]} not found` };
        value = v;
      } else if (cmd.fn === 'print') value = vals.join('');
      else if (cmd.fn === 'printf' && vals.length > 0) {
        let k = 1;
        value = vals[0].replace(/%[sv]/g, () => vals[k++] ?? '%!s(MISSING)');
      } else return {};
    }
    out += value ?? '';
  }
  return { rendered: out };
}

function evalArg(a: Arg, data: TemplateData): string | null | { error: string } {
  if (a.kind === 'string') return a.value;
  if (a.kind === 'other') return null;
  if (a.chain.length === 0) return null;
  if (a.chain.length > 1) return null;
  const v = (data.fields as Record<string, string>)[a.chain[0]];
  if (v === undefined) {
    return { error: `template: :1: executing "" at <.${a.chain[0]}>: can't evaluate field ${a.chain[0]}` };
  }
  return v;
}
