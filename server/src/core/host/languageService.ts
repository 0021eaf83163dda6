import { createDiagnosePipeline } from './diagnose';
import { createDocumentCache } from './documentCache';
import type { LanguageService, LanguageServiceOptions } from './model';
import { createWorkspaceFiles } from './workspaceFiles';
import { SchemaValidators } from '../schema/validation';
import { warmUpKeystrokes } from './warmUp';

export * from './model';

/**
 * The pure core's language service: the document cache (documentCache.ts), the files of the
 * workspace and their index (workspaceFiles.ts), and the diagnose pipeline (diagnose.ts),
 * composed. It does no I/O and keeps no state outside these objects.
 */
export function createLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const validators = options.validators ?? new SchemaValidators();
  const docs = createDocumentCache({ ...options, validators });
  const ws = createWorkspaceFiles(docs);
  const pipeline = createDiagnosePipeline(docs, ws);
  return {
    warmUp: docs.warmUp,
    // A service of its own (the same validators): this one's files, caches and revisions stay as they are.
    warmUpKeystrokes: (version) => warmUpKeystrokes(createLanguageService({ validators, treeBudget: 16 }), version),
    analyze: docs.analyze,
    stats: docs.stats,
    get factsRevision() {
      return ws.factsRevision;
    },
    factsOf: docs.factsOf,
    setFile: ws.setFile,
    setFileSteps: ws.setFileSteps,
    setDiskFacts: ws.setDiskFacts,
    getText: ws.getText,
    factsFor: ws.factsFor,
    uris: ws.uris,
    index: ws.index,
    checksIndex: ws.checksIndex,
    diagnose: pipeline.diagnose,
    refreshSteps: pipeline.refreshSteps,
    localAnalysis: pipeline.localAnalysis,
    diagnoseLocal: pipeline.diagnoseLocal,
    parsedHere: ws.parsedHere,
    prepareEdits: ws.prepareEdits,
  };
}
