import { parseChunk, splitDocuments } from '../yaml/documents';
import {
  changedScopes,
  collectFacts,
  documentFacts,
  EMPTY_FACTS,
  providerFingerprint,
  shiftFacts,
  type DocumentFacts,
  type FileFacts,
  type KumaFact,
} from './facts';
import { resourceKey, WorkspaceIndex, type Located } from './workspaceIndex';
import { fileSkip } from '../yaml/limits';
import { matchDocuments, type DocumentCache } from './documentCache';
import { DEFAULT_SETTINGS, type DocumentInfo, type FileLayer } from './model';

/**
 * The files of the workspace (open buffers over disk) and their facts, the workspace index built
 * from them, and the revisions that tell cached cross-file results when they go stale.
 */
export interface WorkspaceFiles {
  setFile(uri: string, text: string | undefined, layer: FileLayer): boolean;
  setFileSteps(uri: string, text: string | undefined, layer: FileLayer): Generator<void, boolean>;
  setDiskFacts(uri: string, text: string, facts: FileFacts, fingerprint: string): boolean;
  getText(uri: string): string | undefined;
  uris(): string[];
  index(): WorkspaceIndex;
  /** The facts recorded for a file when they are those of `text`. */
  factsFor(uri: string, text: string): FileFacts | undefined;
  /** Whether the facts of a file's `text` were recorded from its parse on this thread (see `LanguageService.parsedHere`). */
  parsedHere(uri: string, text: string): boolean;
  /** See `LanguageService.prepareEdits`. */
  prepareEdits(uri: string, text: string): void;
  /** How often facts of a scope (see `factsScope`) changed: cached checks that read it compare this. */
  scopeRevision(scope: string): number;
  /** The identity of a resource (kind, mesh, namespace, name), cached per fact. */
  keyOf(k: KumaFact): string;
  /** The resource keys declared more than once in the workspace, each with the files declaring it. */
  duplicatedKeys(): Map<string, string[]>;
  /**
   * The resources a file declares whose keys are declared more than once in the workspace, when
   * its recorded facts are those of `text` (read from the keys recorded with them: no key is
   * built on a keystroke).
   */
  duplicatedIn(uri: string, text: string): KumaFact[] | undefined;
  /**
   * An index whose provider facts are current, though ranges of files edited since may lag; with
   * `scopes`, current in those scopes (see `factsScope`) only (see `checksIndex`).
   */
  checksIndex(scopes?: readonly string[]): WorkspaceIndex;
  /** The index as it was last built for the checks, however old (none yet: undefined). */
  lastChecksIndex(): WorkspaceIndex | undefined;
  /** Every declaration of a resource declared more than once, with current ranges, in the index's order. */
  declarationsOf(k: KumaFact): Located<KumaFact>[];
  /** Changes whenever provider facts change somewhere (see `LanguageService.factsRevision`). */
  readonly factsRevision: number;
}

export function createWorkspaceFiles(dc: DocumentCache): WorkspaceFiles {
  type FileEntry = {
    disk?: string;
    open?: string;
    facts: FileFacts;
    /**
     * What other files depend on (`providerFingerprint` per document, joined by line breaks);
     * undefined while it is `prints` joined, which is built only when a comparison needs it (a
     * keystroke in a large file compares the documents' own fingerprints instead).
     */
    fingerprint: string | undefined;
    factsText?: string;
    prints?: string[];
    /** The keys (`keyOf`) of the named resources the file declares, in its order. */
    keys?: string[];
    /** An open file's documents when its facts were recorded, and their placed facts (see `factsOfText`). */
    docs?: { textLength: number; list: DocumentInfo[]; placed: DocumentFacts[] };
    /** Where in `facts.kuma` the resources declared more than once are, for these keys and duplicates (see `duplicatedIn`). */
    duplicated?: { keys: string[]; revision: number; at: number[] };
  };
  const files = new Map<string, FileEntry>();
  /** The index with every range current; dropped whenever any file's facts are recorded. */
  let indexCache: WorkspaceIndex | undefined;
  /**
   * An index whose provider facts (what other files' checks read) are current, though the ranges
   * of a file edited since may lag: kept while no fingerprint changes, so a keystroke that moves
   * ranges only does not rebuild the whole workspace's index for the checks (see `checksIndex`).
   */
  let providerIndex: { revision: number; scopes: Map<string, number>; index: WorkspaceIndex } | undefined;
  /** Bumped whenever facts that other files' checks read change anywhere. */
  let providerRevision = 0;
  /** Bumped per scope (see `factsScope`): a MeshService's checks read only their own scopes. */
  const scopeRevisions = new Map<string, number>();
  /** How many declarations each resource key has across the files (see `duplicatedKeys`). */
  const keyCounts = new Map<string, number>();
  /** Bumped whenever a file's declared keys change: a port or a label edit leaves them, and the duplicates known. */
  let keysRevision = 0;
  function noteKeys(entry: FileEntry, after: string[] | undefined) {
    const before = entry.keys;
    entry.keys = after;
    if (before && after && before.length === after.length && before.every((k, i) => k === after[i])) return;
    for (const k of before ?? []) {
      const n = keyCounts.get(k)! - 1;
      if (n > 0) keyCounts.set(k, n);
      else keyCounts.delete(k);
    }
    for (const k of after ?? []) keyCounts.set(k, (keyCounts.get(k) ?? 0) + 1);
    keysRevision++;
  }
  function namedKey(k: KumaFact | undefined): string | undefined {
    return k?.name ? keyOf(k) : undefined;
  }
  function namedKeys(facts: FileFacts): string[] {
    const out: string[] = [];
    for (const k of facts.kuma) if (k.name) out.push(keyOf(k));
    return out;
  }

  /** A file's fingerprint, joined from its documents' when it was left for later (see `FileEntry.fingerprint`). */
  function fingerprintOf(f: { fingerprint: string | undefined; prints?: string[] }): string {
    return (f.fingerprint ??= f.prints?.join('\n') ?? '');
  }

  type Prints = { fingerprint: string | undefined; prints?: string[] };
  function noteChange(before: Prints, after: Prints) {
    providerRevision++;
    for (const scope of scopesChanged(before, after)) scopeRevisions.set(scope, (scopeRevisions.get(scope) ?? 0) + 1);
  }

  /**
   * The scopes a change touched: from the documents' own fingerprints when the file kept its number
   * of documents (a keystroke: one or two differ, and the file's fingerprint is not split again).
   */
  function scopesChanged(before: Prints, after: Prints): Iterable<string> {
    const beforePrints = before.prints;
    const afterPrints = after.prints;
    if (!beforePrints || !afterPrints || beforePrints.length !== afterPrints.length)
      return changedScopes(fingerprintOf(before), fingerprintOf(after));
    const out = new Set<string>();
    for (let i = 0; i < afterPrints.length; i++) {
      const a = beforePrints[i];
      const b = afterPrints[i];
      if (a === b) continue;
      out.add(a.slice(0, a.indexOf('\u0001')));
      out.add(b.slice(0, b.indexOf('\u0001')));
    }
    return out;
  }

  /**
   * A file's facts after an edit that changed the documents at `at` (as many documents as before,
   * in their places), from its facts before: the lists copied at once and each changed document's
   * facts put where its old ones were. Undefined when a changed document gained or lost a kind of
   * fact (the lists' places move), or too many changed: then they are collected anew.
   */
  function replaceFacts(was: FileFacts, at: number[], oldDocs: DocumentFacts[], newDocs: DocumentFacts[]): FileFacts | undefined {
    if (at.length > 16) return undefined;
    const out: FileFacts = {
      meshes: was.meshes.slice(),
      endpointSlices: was.endpointSlices.slice(),
      kuma: was.kuma.slice(),
      workloads: was.workloads.slice(),
      services: was.services.slice(),
      namespaces: was.namespaces.slice(),
    };
    const put = <T>(list: T[], old: T | undefined, now: T | undefined): boolean => {
      if ((old === undefined) !== (now === undefined)) return false;
      if (old === undefined || old === now) return true;
      const k = list.indexOf(old);
      if (k < 0) return false;
      list[k] = now!;
      return true;
    };
    for (const i of at) {
      const o = oldDocs[i];
      const d = newDocs[i];
      if (
        !put(out.meshes, o.mesh, d.mesh) ||
        !put(out.endpointSlices, o.endpointSlice, d.endpointSlice) ||
        !put(out.kuma, o.kuma, d.kuma) ||
        !put(out.workloads, o.workload, d.workload) ||
        !put(out.services, o.service, d.service) ||
        !put(out.namespaces, o.namespace, d.namespace)
      )
        return undefined;
    }
    return out;
  }

  /**
   * Facts of a file's text, and the fingerprint of what other files depend on. Files that are
   * not open are parsed without entering the document cache, so a large workspace does not keep
   * every parse tree in memory.
   */
  function* factsOfText(
    text: string,
    open: boolean,
    before?: string[],
    beforeDocs?: FileEntry['docs'],
    beforeFacts?: FileFacts,
  ): Generator<void, { facts: FileFacts; same: boolean; keysSame?: boolean; prints: string[]; docs?: FileEntry['docs'] }> {
    let docs: DocumentFacts[] = [];
    let prints: string[] = [];
    if (open) {
      const list = dc.analyze(text, { ...DEFAULT_SETTINGS, validate: false }).documents;
      // The documents a keystroke left alone (the same parses, before the edit or moved by it
      // alone) keep their placed facts and fingerprints: only the edited ones are looked at, and
      // only their fingerprints compared with the file's last ones.
      const { head, tail } =
        beforeDocs && before && before.length === beforeDocs.list.length
          ? matchDocuments(beforeDocs.list, list, text.length - beforeDocs.textLength)
          : { head: 0, tail: 0 };
      const n = list.length;
      // As many documents as before, none moved (an edit that kept the file's length): those the
      // edit left alone keep their places, copied at once; only the ones between are looked at.
      const aligned =
        beforeDocs !== undefined &&
        before !== undefined &&
        before.length === n &&
        beforeDocs.placed.length === n &&
        text.length === beforeDocs.textLength;
      docs = aligned ? beforeDocs.placed.slice() : new Array(n);
      prints = aligned ? before.slice() : new Array(n);
      let same = before !== undefined && before.length === n;
      // With as many documents as before, the i-th is the i-th of before: whether the resources
      // they declare (their keys, and their places among the file's resources) stayed is known
      // from the documents looked at (a port edit keeps them).
      let keysSame = same && beforeDocs !== undefined && beforeDocs.placed.length === n;
      const looked: number[] = [];
      for (let i = aligned ? head : 0; i < (aligned ? n - tail : n); i++) {
        const d = list[i];
        const j = i < head ? i : i >= list.length - tail ? i - list.length + before!.length : -1;
        if (j >= 0 && (i < head || d.offset === beforeDocs!.list[j].offset)) {
          docs[i] = beforeDocs!.placed[j];
          prints[i] = before![j];
          continue;
        }
        const f = dc.factsOfDoc(d.parsed);
        // The same document at the same offset keeps its placed facts from the last edit.
        if (!f.placed || f.placed.offset !== d.offset) f.placed = { offset: d.offset, facts: shiftFacts(f.facts, d.offset) };
        docs[i] = f.placed.facts;
        prints[i] = f.fingerprint;
        looked.push(i);
        if (same && prints[i] !== before![i]) same = false;
        if (keysSame && prints[i] !== before![i]) {
          const was = beforeDocs!.placed[i].kuma;
          const now = docs[i].kuma;
          // The same resource, or none, in the same place of `facts.kuma` (see `duplicatedIn`).
          if ((was === undefined) !== (now === undefined) || namedKey(was) !== namedKey(now)) keysSame = false;
        }
      }
      const facts = (aligned && beforeFacts && replaceFacts(beforeFacts, looked, beforeDocs.placed, docs)) || collectFacts(docs);
      return { facts, same, keysSame, prints, docs: { textLength: text.length, list, placed: docs } };
    } else if (!fileSkip(text)) {
      for (const chunk of splitDocuments(text)) {
        const cached = dc.cachedParse(chunk.text);
        const parsed = cached ?? (dc.stats.parses++, parseChunk(chunk.text));
        for (const pd of parsed) {
          const f = cached ? dc.factsOfDoc(pd) : { facts: documentFacts(pd), fingerprint: '' };
          if (!cached) f.fingerprint = providerFingerprint(f.facts);
          docs.push(shiftFacts(f.facts, chunk.start));
          prints.push(f.fingerprint);
        }
        // A step per document: a caller on an event loop can pause between them.
        yield;
      }
    }
    // A keystroke rarely changes what other files depend on: then the per-document fingerprints
    // are the very same strings as before, and the file's fingerprint need not be rebuilt.
    const same = before !== undefined && before.length === prints.length && prints.every((p, i) => p === before[i]);
    return { facts: collectFacts(docs), same, prints };
  }

  function* setFileSteps(uri: string, text: string | undefined, layer: FileLayer): Generator<void, boolean> {
    const entry: FileEntry = files.get(uri) ?? { facts: EMPTY_FACTS, fingerprint: '' };
    if (layer === 'disk') entry.disk = text;
    else entry.open = text;
    // A file opened as it is on disk: keep one copy of its text (the editor holds this one).
    if (entry.open !== undefined && entry.open === entry.disk) entry.disk = entry.open;
    const current = entry.open ?? entry.disk;
    if (current === undefined) {
      files.delete(uri);
      noteKeys(entry, undefined);
      indexCache = undefined;
      const changed = fingerprintOf(entry) !== '';
      if (changed) noteChange(entry, { fingerprint: '' });
      return changed;
    }
    files.set(uri, entry);
    if (entry.factsText === current) {
      entry.factsText = current;
      return false;
    }
    const { facts, same, keysSame, prints, docs } = yield* factsOfText(
      current,
      entry.open !== undefined,
      entry.prints,
      entry.docs,
      entry.facts,
    );
    // The file may have changed (or been opened, or deleted) while this ran in steps.
    if (files.get(uri) !== entry || (entry.open ?? entry.disk) !== current) return false;
    const changed = record(entry, current, facts, same ? entry : { fingerprint: undefined, prints }, same, keysSame);
    entry.docs = docs;
    dc.trimTrees();
    return changed;
  }

  /**
   * Stores a file's new facts. Ranges move with every edit, so the index is rebuilt even when
   * the fingerprint holds; cached cross-file results only go stale when what other files
   * depend on changed (the return value).
   */
  function record(entry: FileEntry, text: string, facts: FileFacts, next: Prints, same = false, keysSame = false): boolean {
    // Documents' fingerprints compared one by one (`same`, or some differ in a list of the same
    // length) need no joined fingerprint; otherwise the joined ones are compared.
    const { prints } = next;
    const changed =
      !same &&
      (next.fingerprint === undefined && prints && entry.prints?.length === prints.length
        ? prints.some((p, i) => p !== entry.prints![i])
        : fingerprintOf(next) !== fingerprintOf(entry));
    if (changed) noteChange(entry, next);
    // Keys are provider facts: they change only with the fingerprint, and not when the documents
    // that changed declare the same resources as before (`keysSame`).
    if ((changed && !keysSame) || entry.keys === undefined) noteKeys(entry, namedKeys(facts));
    entry.prints = prints;
    entry.docs = undefined;
    entry.facts = facts;
    entry.factsText = text;
    entry.fingerprint = next.fingerprint;
    indexCache = undefined;
    return changed;
  }

  function setDiskFacts(uri: string, text: string, facts: FileFacts, fingerprint: string): boolean {
    const entry: FileEntry = files.get(uri) ?? { facts: EMPTY_FACTS, fingerprint: '' };
    entry.disk = text;
    files.set(uri, entry);
    // An open buffer has the last word; its facts stay.
    if (entry.open !== undefined || entry.factsText === text) return false;
    return record(entry, text, facts, { fingerprint });
  }

  function setFile(uri: string, text: string | undefined, layer: FileLayer): boolean {
    const steps = setFileSteps(uri, text, layer);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /** The files in the order of their names, not of their arrival (see `index`). */
  function sortedFiles(): [string, FileEntry][] {
    return [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  function index(): WorkspaceIndex {
    if (!indexCache) {
      // In the order of the files' names, not of their arrival: what a resource declared twice
      // (a Mesh in two files) resolves to must not depend on which file was read first.
      indexCache = new WorkspaceIndex(
        sortedFiles().map(([uri, f]) => [uri, f.facts] as [string, FileFacts]),
        keyOf,
      );
      providerIndex = { revision: providerRevision, scopes: new Map(scopeRevisions), index: indexCache };
    }
    return indexCache;
  }

  /**
   * The index for checks that read provider facts only (selections, port names and numbers,
   * counts) and ranges of the document checked, never ranges of other declarations: the MeshService
   * checks. Such results are the same with an index whose ranges lag behind a keystroke.
   */
  function checksIndex(scopes?: readonly string[]): WorkspaceIndex {
    if (indexCache) return indexCache;
    if (providerIndex?.revision === providerRevision) return providerIndex.index;
    // A check that reads some scopes only (a MeshService's: the Dataplanes of its mesh) keeps the
    // index while those did not change: a port typed in a MeshService of a large file rebuilds no
    // index of the workspace for the MeshService's own checks.
    const built = providerIndex;
    if (built && scopes?.every((s) => (scopeRevisions.get(s) ?? 0) === (built.scopes.get(s) ?? 0))) return built.index;
    return index();
  }

  const keys = new WeakMap<KumaFact, string>();
  function keyOf(k: KumaFact): string {
    let key = keys.get(k);
    if (key === undefined) {
      key = resourceKey(k);
      keys.set(k, key);
    }
    return key;
  }

  let counted: { revision: number; duplicated: Map<string, string[]> } | undefined;
  /**
   * The resource keys declared more than once in the workspace, each with the files declaring
   * it (in the index's order). Counted as files are recorded: this holds until a file's keys
   * change, and a keystroke that edits a port does not walk the workspace's declarations.
   */
  function duplicatedKeys(): Map<string, string[]> {
    if (counted?.revision !== keysRevision) {
      const duplicated = new Map<string, string[]>();
      const twice = new Set<string>();
      for (const [key, n] of keyCounts) if (n > 1) twice.add(key);
      if (twice.size > 0)
        for (const [uri, f] of sortedFiles())
          for (const key of f.keys ?? []) {
            if (!twice.has(key)) continue;
            const uris = duplicated.get(key);
            if (!uris) duplicated.set(key, [uri]);
            else if (uris[uris.length - 1] !== uri) uris.push(uri);
          }
      counted = { revision: keysRevision, duplicated };
    }
    return counted.duplicated;
  }

  /**
   * Where in a file's `facts.kuma` the resources declared more than once in the workspace are:
   * this holds while the file's keys and the workspace's duplicates do (a keystroke that keeps
   * the file's resources keeps them in their places, see `factsOfText`).
   */
  function duplicatedAt(entry: FileEntry): number[] {
    const duplicated = duplicatedKeys();
    const keys = entry.keys ?? namedKeys(entry.facts);
    if (entry.duplicated?.keys !== keys || entry.duplicated.revision !== keysRevision) {
      const at: number[] = [];
      // `keys` holds the key of each named resource, in the order of `facts.kuma`.
      if (duplicated.size > 0)
        for (let i = 0, n = 0; i < entry.facts.kuma.length; i++) if (entry.facts.kuma[i].name && duplicated.has(keys[n++])) at.push(i);
      entry.duplicated = { keys, revision: keysRevision, at };
    }
    return entry.duplicated.at;
  }

  /** Per file's facts: its declarations of the keys declared more than once (for the revision counted). */
  const duplicatesOfFacts = new WeakMap<FileFacts, { revision: number; byKey: Map<string, KumaFact[]> }>();
  function duplicatesByKey(entry: FileEntry): Map<string, KumaFact[]> {
    const facts = entry.facts;
    let hit = duplicatesOfFacts.get(facts);
    if (hit?.revision !== keysRevision) {
      const byKey = new Map<string, KumaFact[]>();
      for (const i of duplicatedAt(entry)) {
        const k = facts.kuma[i];
        const key = keyOf(k);
        const list = byKey.get(key);
        if (list) list.push(k);
        else byKey.set(key, [k]);
      }
      duplicatesOfFacts.set(facts, (hit = { revision: keysRevision, byKey }));
    }
    return hit.byKey;
  }

  /**
   * Every declaration of a resource declared more than once, with the ranges of now, in the
   * index's order, without rebuilding the workspace index: a keystroke in a large file moves its
   * ranges, and the index would be rebuilt on every one.
   */
  function declarationsOf(k: KumaFact): Located<KumaFact>[] {
    const duplicated = duplicatedKeys();
    const key = keyOf(k);
    const out: Located<KumaFact>[] = [];
    for (const uri of duplicated.get(key) ?? []) {
      const f = files.get(uri);
      if (f) for (const fact of duplicatesByKey(f).get(key) ?? []) out.push({ uri, fact });
    }
    return out;
  }

  return {
    setFile,
    setFileSteps,
    setDiskFacts,
    getText: (uri) => files.get(uri)?.open ?? files.get(uri)?.disk,
    uris: () => [...files.keys()],
    index,
    factsFor(uri, text) {
      const entry = files.get(uri);
      return entry && entry.factsText === text ? entry.facts : undefined;
    },
    parsedHere(uri, text) {
      const entry = files.get(uri);
      return entry?.docs !== undefined && entry.factsText === text;
    },
    prepareEdits(uri, text) {
      const entry = files.get(uri);
      if (!entry || entry.open !== text || entry.factsText !== text || entry.docs !== undefined || !dc.splitLately(text)) return;
      // Recorded again from this thread's parse (the same facts, so nothing else changes): the
      // documents and their facts, which the next keystroke compares with its own.
      entry.factsText = undefined;
      setFile(uri, text, 'open');
    },
    scopeRevision: (scope) => scopeRevisions.get(scope) ?? 0,
    keyOf,
    duplicatedKeys,
    duplicatedIn(uri, text) {
      const entry = files.get(uri);
      if (!entry || entry.factsText !== text || !entry.keys) return undefined;
      return duplicatedAt(entry).map((i) => entry.facts.kuma[i]);
    },
    checksIndex,
    lastChecksIndex: () => indexCache ?? providerIndex?.index,
    declarationsOf,
    get factsRevision() {
      return providerRevision;
    },
  };
}
