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
import { resourceKey, WorkspaceIndex } from './workspaceIndex';
import { fileSkip } from '../yaml/limits';
import type { DocumentCache } from './documentCache';
import { DEFAULT_SETTINGS, type FileLayer } from './model';

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
  /** How often facts of a scope (see `factsScope`) changed: cached checks that read it compare this. */
  scopeRevision(scope: string): number;
  /** The identity of a resource (kind, mesh, namespace, name), cached per fact. */
  keyOf(k: KumaFact): string;
  /** The resource keys declared more than once in the workspace. */
  duplicatedKeys(): Set<string>;
}

export function createWorkspaceFiles(dc: DocumentCache): WorkspaceFiles {
  type FileEntry = { disk?: string; open?: string; facts: FileFacts; fingerprint: string; factsText?: string; prints?: string[] };
  const files = new Map<string, FileEntry>();
  let indexCache: WorkspaceIndex | undefined;
  /** Bumped whenever facts that other files' checks read change anywhere. */
  let providerRevision = 0;
  /** Bumped per scope (see `factsScope`): a MeshService's checks read only their own scopes. */
  const scopeRevisions = new Map<string, number>();
  function noteChange(before: string, after: string) {
    providerRevision++;
    for (const scope of changedScopes(before, after)) scopeRevisions.set(scope, (scopeRevisions.get(scope) ?? 0) + 1);
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
  ): Generator<void, { facts: FileFacts; fingerprint?: string; prints: string[] }> {
    const docs: DocumentFacts[] = [];
    const prints: string[] = [];
    if (open) {
      for (const d of dc.analyze(text, { ...DEFAULT_SETTINGS, validate: false }).documents) {
        const f = dc.factsOfDoc(d.parsed);
        // The same document at the same offset keeps its placed facts from the last edit.
        if (!f.placed || f.placed.offset !== d.offset) f.placed = { offset: d.offset, facts: shiftFacts(f.facts, d.offset) };
        docs.push(f.placed.facts);
        prints.push(f.fingerprint);
      }
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
    return { facts: collectFacts(docs), fingerprint: same ? undefined : prints.join('\n'), prints };
  }

  function* setFileSteps(uri: string, text: string | undefined, layer: FileLayer): Generator<void, boolean> {
    const entry = files.get(uri) ?? { facts: EMPTY_FACTS, fingerprint: '' };
    if (layer === 'disk') entry.disk = text;
    else entry.open = text;
    // A file opened as it is on disk: keep one copy of its text (the editor holds this one).
    if (entry.open !== undefined && entry.open === entry.disk) entry.disk = entry.open;
    const current = entry.open ?? entry.disk;
    if (current === undefined) {
      files.delete(uri);
      indexCache = undefined;
      const changed = entry.fingerprint !== '';
      if (changed) noteChange(entry.fingerprint, '');
      return changed;
    }
    files.set(uri, entry);
    if (entry.factsText === current) {
      entry.factsText = current;
      return false;
    }
    const { facts, fingerprint, prints } = yield* factsOfText(current, entry.open !== undefined, entry.prints);
    // The file may have changed (or been opened, or deleted) while this ran in steps.
    if (files.get(uri) !== entry || (entry.open ?? entry.disk) !== current) return false;
    const changed = record(entry, current, facts, fingerprint ?? entry.fingerprint, prints);
    dc.trimTrees();
    return changed;
  }

  /**
   * Stores a file's new facts. Ranges move with every edit, so the index is rebuilt even when
   * the fingerprint holds; cached cross-file results only go stale when what other files
   * depend on changed (the return value).
   */
  function record(entry: FileEntry, text: string, facts: FileFacts, fingerprint: string, prints?: string[]): boolean {
    const changed = fingerprint !== entry.fingerprint;
    entry.prints = prints;
    if (changed) noteChange(entry.fingerprint, fingerprint);
    entry.facts = facts;
    entry.factsText = text;
    entry.fingerprint = fingerprint;
    indexCache = undefined;
    return changed;
  }

  function setDiskFacts(uri: string, text: string, facts: FileFacts, fingerprint: string): boolean {
    const entry = files.get(uri) ?? { facts: EMPTY_FACTS, fingerprint: '' };
    entry.disk = text;
    files.set(uri, entry);
    // An open buffer has the last word; its facts stay.
    if (entry.open !== undefined || entry.factsText === text) return false;
    return record(entry, text, facts, fingerprint);
  }

  function setFile(uri: string, text: string | undefined, layer: FileLayer): boolean {
    const steps = setFileSteps(uri, text, layer);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  function index(): WorkspaceIndex {
    if (!indexCache)
      // In the order of the files' names, not of their arrival: what a resource declared twice
      // (a Mesh in two files) resolves to must not depend on which file was read first.
      indexCache = new WorkspaceIndex(
        [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([uri, f]) => [uri, f.facts] as [string, FileFacts]),
        keyOf,
      );
    return indexCache;
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

  let counted: { revision: number; duplicated: Set<string> } | undefined;
  /** The resource keys declared more than once in the workspace; keys are provider facts. */
  function duplicatedKeys(): Set<string> {
    if (counted?.revision !== providerRevision) {
      const counts = new Map<string, number>();
      for (const f of files.values()) for (const k of f.facts.kuma) if (k.name) counts.set(keyOf(k), (counts.get(keyOf(k)) ?? 0) + 1);
      counted = { revision: providerRevision, duplicated: new Set([...counts].filter(([, n]) => n > 1).map(([key]) => key)) };
    }
    return counted.duplicated;
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
    scopeRevision: (scope) => scopeRevisions.get(scope) ?? 0,
    keyOf,
    duplicatedKeys,
  };
}
