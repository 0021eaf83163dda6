import type { LocalAnalysis, Settings } from '../core';
/**
 * How the server reaches files that are not open in the editor. The node entry point gives
 * an implementation over the disk; a web worker would give one over the client's file API.
 */
export interface WorkspaceFs {
  /** Whether a workspace folder URI is one this file system reaches; absent: `file:` URIs only. */
  handles?(folderUri: string): boolean;
  /** Every `.yaml`/`.yml` file under a folder (URI), skipping `node_modules`, `.git` and excluded paths. */
  listYamlFiles(folderUri: string, isExcluded: (relativePath: string) => boolean): AsyncIterable<string>;
  /**
   * A file's text. Rejects for a file that cannot be read, and for one that is not read on
   * purpose (not a regular file, or over the size limit) with an error whose `code` is
   * `ENOTREG` or `EFBIG` and whose message says why (the server logs those).
   */
  readFile(uri: string): Promise<string>;
  /**
   * Reads and indexes files away from the thread that answers requests, when the platform
   * can (a worker thread); calls `onResult` for each file, `onSkip` for each file not read on
   * purpose (as `readFile` would refuse it). Absent: the server indexes itself.
   */
  indexFiles?(
    uris: string[],
    onResult: (r: IndexedFile) => void,
    settings?: Settings,
    onSkip?: (uri: string, why: string) => void,
    background?: BackgroundWork,
  ): Promise<void>;
  /**
   * The user typed: work under way on other threads (index workers) stands still for `ms`
   * milliseconds from now, between two files, so that the keystroke's answer has the cores.
   */
  typing?(ms: number): void;
  /** Stops whatever work is under way (index workers), when the server exits. */
  dispose?(): void;
  /** Watches a folder for YAML files created, changed or deleted; returns a function that stops watching. */
  watch(folderUri: string, onChange: (uri: string, deleted: boolean) => void): () => void;
}

/**
 * How `indexFiles` shares the machine with the thread that answers the editor, asked again before
 * each next batch: `leaveCore`, whether a core is left to that thread (the editor has files open);
 * `pause`, how many milliseconds to wait first (0: none; the user is typing). `urgent` names files
 * the editor waits for (opened meanwhile): each next batch takes those first, when they are among
 * the files still to do, and a worker joins on the core left while there are such files.
 */
export interface BackgroundWork {
  leaveCore?: () => boolean;
  pause?: () => number;
  urgent?: () => Iterable<string>;
}

/** A file read and reduced to facts by `indexFiles`. */
export interface IndexedFile {
  uri: string;
  text: string;
  facts: import('../core/host/facts').FileFacts;
  fingerprint: string;
  /**
   * The file's own checks, when `indexFiles` was given settings: opening the file unchanged
   * then needs only the cross-file checks (`LanguageService.diagnoseLocal`).
   */
  local?: LocalAnalysis;
}

/** Why `readFile` refused a file on purpose (see its doc), or undefined for any other failure. */
export function skipReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'ENOTREG' || code === 'EFBIG' ? String((err as Error).message) : undefined;
}
