import type { Node } from 'yaml';
import type { Form, KumaKind, OffsetRange } from '../types';
import { type PathSeg, locate, nodeRange, rangeFor } from '../yaml/nodes';

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A Kuma resource seen the same way in both forms. Rules are written against Kuma's own
 * paths (`name`, `mesh`, `spec.ports[0]`, `networking.inbound[0]`), and `yamlPath` maps them
 * to where the field sits in the file in this form.
 */
export class Resource {
  readonly value: Obj;

  constructor(
    readonly kind: KumaKind,
    readonly form: Form,
    readonly root: Node | null,
    value: unknown,
    /** Range of the whole document, for problems that have no better place. */
    readonly docRange: OffsetRange,
  ) {
    this.value = isObj(value) ? value : {};
  }

  /** The Kuma path of a field, mapped to where it is written in this form. */
  yamlPath(kumaPath: readonly PathSeg[]): PathSeg[] {
    const [head, ...rest] = kumaPath;
    if (this.form === 'kubernetes') {
      if (head === 'name') return ['metadata', 'name', ...rest];
      if (head === 'labels') return ['metadata', 'labels', ...rest];
      if (head === 'mesh' && this.kind !== 'Dataplane') return ['metadata', 'labels', 'kuma.io/mesh', ...rest];
      if (this.kind === 'Dataplane' && head !== 'mesh' && head !== 'status') return ['spec', ...kumaPath];
    }
    return [...kumaPath];
  }

  /** The value at a Kuma path, in plain data. */
  get(kumaPath: readonly PathSeg[]): unknown {
    let v: unknown = this.value;
    for (const seg of this.yamlPath(kumaPath)) {
      if (typeof seg === 'number' ? Array.isArray(v) : isObj(v)) v = (v as Obj)[seg as never];
      else return undefined;
    }
    return v;
  }

  has(kumaPath: readonly PathSeg[]): boolean {
    return locate(this.root, this.yamlPath(kumaPath)).complete;
  }

  /** Where to put a diagnostic about a Kuma path. */
  range(kumaPath: readonly PathSeg[], target: 'key' | 'value' = 'value'): OffsetRange {
    return rangeFor(this.root, this.yamlPath(kumaPath), target, this.identityRange());
  }

  /** The whole text of a field: its key and all of its value (none when the field is absent). */
  extent(kumaPath: readonly PathSeg[]): OffsetRange | undefined {
    const loc = locate(this.root, this.yamlPath(kumaPath));
    if (!loc.complete) return undefined;
    const k = nodeRange(loc.key);
    const v = nodeRange(loc.node);
    if (!k || !v) return k ?? v;
    return { start: Math.min(k.start, v.start), end: Math.max(k.end, v.end) };
  }

  /** The `kind:`/`type:` key: where a problem with the whole resource is shown. */
  identityRange(): OffsetRange {
    const loc = locate(this.root, [this.form === 'kubernetes' ? 'kind' : 'type']);
    const r = loc.key?.range;
    return r ? { start: r[0], end: r[1] } : { start: this.docRange.start, end: this.docRange.start };
  }

  get labels(): Obj {
    const l = this.get(['labels']);
    return isObj(l) ? l : {};
  }

  /** The name as Kuma sees it: `metadata.name` on Kubernetes, `name` in Universal. */
  get name(): string | undefined {
    const n = this.get(['name']);
    return typeof n === 'string' ? n : n === undefined || n === null ? undefined : String(n);
  }

  /**
   * The display name Kuma's validators check (`model.GetDisplayName`): the
   * `kuma.io/display-name` label when set and non-empty, otherwise the name. On Kubernetes
   * this is the plain `metadata.name`. Returns the Kuma path the value came from, too.
   */
  displayName(): { value: string; path: PathSeg[] } | undefined {
    if (this.form === 'universal') {
      const dn = this.labels['kuma.io/display-name'];
      if (typeof dn === 'string' && dn !== '') return { value: dn, path: ['labels', 'kuma.io/display-name'] };
    }
    const n = this.name;
    return n === undefined ? undefined : { value: n, path: ['name'] };
  }

  get mesh(): string {
    const m = this.get(['mesh']);
    return typeof m === 'string' && m !== '' ? m : 'default';
  }

  /** The spec (for Dataplane: the body holding `networking`). */
  get spec(): Obj {
    const s = this.kind === 'Dataplane' && this.form === 'universal' ? this.value : this.value.spec;
    return isObj(s) ? s : {};
  }
}
