/**
 * Glob matching in time linear in the path, for globs that come from the workspace
 * (`kuma.files.exclude`, `files.exclude` in a repository's .vscode/settings.json).
 *
 * Regex-based matchers (picomatch) compile `**∕*a*a*a*…b` to a backtracking regex whose time
 * doubles with each character of a long name: a repository could stop the server with a setting
 * and a file name. Here the globs become one nondeterministic automaton that is run on the path
 * by keeping the set of states it can be in (Thompson's simulation): each character of the path
 * costs at most one visit of each state, whatever the glob.
 *
 * The syntax is VS Code's, as picomatch reads it with `dot: true` (dot files match `*`):
 * `*` any characters but `/` (at least one when it is a whole segment), `?` one character but
 * `/`, `**` as a whole segment any number of segments (`a/**` matches `a` too), `[abc]`, `[a-z]`,
 * `[!a]` / `[^a]` one character of a set, `{a,b}` alternatives (nested, with `/` in them), `\`
 * escapes the next character; a leading `./` is dropped. Anything else is a literal character.
 */

/** A glob read into parts (see `parse`). */
type Part =
  | { t: 'char'; test: (c: number) => boolean }
  /** `[^/]*`, or `[^/]+` when `min1`. */
  | { t: 'star'; min1: boolean }
  /** `**∕` at a segment start: `(.*∕)?`, any number of whole segments. */
  | { t: 'dirs' }
  /** `/**` at the end: `(/.*)?`, the folder itself or anything under it. */
  | { t: 'tail' }
  /** `**` alone: anything. */
  | { t: 'all' }
  | { t: 'alt'; alts: Part[][] };

const SLASH = 47;
const notSlash = (c: number) => c !== SLASH;

/** The index just past the `]` closing a class that starts at `i` (`[`), or -1. */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j + 1;
  }
  return -1;
}

/** The index of the `}` closing a brace that starts at `i` (`{`), or -1; commas at its level in `commas`. */
function braceEnd(p: string, i: number, commas: number[]): number {
  let depth = 0;
  for (let j = i; j < p.length; j++) {
    const c = p[j];
    if (c === '\\') j++;
    else if (c === '[') {
      const e = classEnd(p, j);
      if (e > 0) j = e - 1;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (--depth === 0) return j;
    } else if (c === ',' && depth === 1) commas.push(j);
  }
  return -1;
}

function classTest(body: string): (c: number) => boolean {
  let negate = false;
  let k = 0;
  if (body[0] === '!' || body[0] === '^') {
    negate = true;
    k = 1;
  }
  const ranges: [number, number][] = [];
  const chars: number[] = [];
  while (k < body.length) {
    let c = body.charCodeAt(k);
    if (body[k] === '\\' && k + 1 < body.length) c = body.charCodeAt(++k);
    k++;
    if (body[k] === '-' && k + 1 < body.length) {
      let hi = body.charCodeAt(k + 1);
      k += 2;
      if (body[k - 1] === '\\' && k < body.length) hi = body.charCodeAt(k++);
      ranges.push([c, hi]);
    } else chars.push(c);
  }
  return (c) => {
    if (c === SLASH) return false;
    let hit = chars.includes(c);
    for (const [lo, hi] of ranges) if (c >= lo && c <= hi) hit = true;
    return hit !== negate;
  };
}

/**
 * Reads `p[lo, hi)`. `segStart`: whether `lo` starts a path segment; `segEnd`: whether `hi` ends
 * one (the end of the glob, or a `/` after the closing brace).
 */
function parse(p: string, lo: number, hi: number, segStart: boolean, segEnd: boolean): Part[] {
  const out: Part[] = [];
  const startsSeg = (k: number) => (k === lo ? segStart : p[k - 1] === '/');
  const endsSeg = (k: number) => (k === hi ? segEnd : p[k] === '/');
  let i = lo;
  while (i < hi) {
    const c = p[i];
    if (c === '*') {
      let j = i;
      while (j < hi && p[j] === '*') j++;
      const whole = startsSeg(i) && endsSeg(j);
      if (j - i >= 2 && whole) {
        if (j < hi) {
          out.push({ t: 'dirs' });
          j++; // the `/`, part of `(.*/)?`
        } else out.push({ t: 'all' });
      } else out.push({ t: 'star', min1: whole });
      i = j;
    } else if (c === '/' && p.startsWith('**', i + 1) && i + 3 <= hi && (i + 3 === hi ? segEnd : false)) {
      out.push({ t: 'tail' });
      i += 3;
    } else if (c === '?') {
      out.push({ t: 'char', test: notSlash });
      i++;
    } else if (c === '[' && classEnd(p, i) > 0 && classEnd(p, i) <= hi) {
      const e = classEnd(p, i);
      out.push({ t: 'char', test: classTest(p.slice(i + 1, e - 1)) });
      i = e;
    } else if (c === '{') {
      const commas: number[] = [];
      const e = braceEnd(p, i, commas);
      if (e < 0 || e >= hi) {
        out.push(literal(c));
        i++;
        continue;
      }
      const bounds = [i, ...commas, e];
      const alts: Part[][] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        alts.push(parse(p, bounds[k] + 1, bounds[k + 1], startsSeg(i), endsSeg(e + 1)));
      }
      out.push({ t: 'alt', alts });
      i = e + 1;
    } else if (c === '\\' && i + 1 < hi) {
      out.push(literal(p[i + 1]));
      i += 2;
    } else {
      out.push(literal(c));
      i++;
    }
  }
  return out;
}

function literal(ch: string): Part {
  const code = ch.charCodeAt(0);
  return { t: 'char', test: (c) => c === code };
}

/** A state of the automaton: a character test and where it leads, a choice of states, or the end. */
type State = { test: (c: number) => boolean; out: number } | { split: number[] } | { match: true };

/** Builds the states of `parts` followed by state `next`; returns the first state. */
function build(states: State[], parts: Part[], next: number): number {
  const add = (s: State) => states.push(s) - 1;
  const loop = (test: (c: number) => boolean, after: number) => {
    // A placeholder first: the character test leads back to the choice.
    const choice = add({ split: [] });
    const body = add({ test, out: choice });
    states[choice] = { split: [body, after] };
    return choice;
  };
  const any = () => true;
  for (let k = parts.length - 1; k >= 0; k--) {
    const part = parts[k];
    switch (part.t) {
      case 'char':
        next = add({ test: part.test, out: next });
        break;
      case 'star': {
        const rest = loop(notSlash, next);
        next = part.min1 ? add({ test: notSlash, out: rest }) : rest;
        break;
      }
      case 'dirs': {
        const slash = add({ test: (c) => c === SLASH, out: next });
        next = add({ split: [loop(any, slash), next] });
        break;
      }
      case 'tail': {
        const under = add({ test: (c) => c === SLASH, out: loop(any, next) });
        next = add({ split: [under, next] });
        break;
      }
      case 'all':
        next = loop(any, next);
        break;
      case 'alt': {
        const after = next;
        next = add({ split: part.alts.map((a) => build(states, a, after)) });
        break;
      }
    }
  }
  return next;
}

/** A matcher of `/`-separated paths; `steps` counts the states it has visited (its work). */
export interface GlobMatcher {
  (path: string): boolean;
  steps: number;
}

/** Whether a path matches any of `globs` (see the syntax above), in time linear in the path. */
export function globMatcher(globs: readonly string[]): GlobMatcher {
  const states: State[] = [{ match: true }];
  const starts = globs
    .map((g) => (g.startsWith('./') ? g.slice(2) : g))
    .filter((g) => g.length > 0)
    .map((g) => build(states, parse(g, 0, g.length, true, true), 0));
  const start = states.push({ split: starts }) - 1;
  const mark = new Int32Array(states.length).fill(-1);
  let generation = 0;
  const stack: number[] = [];
  /** Adds `s` and every state reached from it without reading a character to `list`. */
  const close = (s: number, list: number[]) => {
    stack.push(s);
    while (stack.length) {
      const x = stack.pop()!;
      if (mark[x] === generation) continue;
      mark[x] = generation;
      matcher.steps++;
      const st = states[x];
      if ('split' in st) for (let k = st.split.length - 1; k >= 0; k--) stack.push(st.split[k]);
      else list.push(x);
    }
  };
  const matcher = ((path: string) => {
    let current: number[] = [];
    generation++;
    close(start, current);
    for (let i = 0; i < path.length && current.length; i++) {
      const c = path.charCodeAt(i);
      const next: number[] = [];
      generation++;
      for (const x of current) {
        matcher.steps++;
        const st = states[x];
        if ('test' in st && st.test(c)) close(st.out, next);
      }
      current = next;
    }
    return current.includes(0);
  }) as GlobMatcher;
  matcher.steps = 0;
  return matcher;
}
