import type { LocationDocumentErrorV1, LocationDocumentStatusV1, ProcessingErrorV1 } from '@callboard/contracts';
import type { CatalogFileDocument, CatalogFileDocumentError, DocumentProblem } from '@callboard/entity-model';

/**
 * What became of the documents of one file as read: its documents as the parser saw them, and
 * what reading on found about them (a Location's target not followed, or missing).
 */
export class FileStatus {
  private readonly documents = new Map<number, LocationDocumentStatusV1>();
  /** Refs rejected once the parse was done (a Location whose target does not exist), with the error. */
  private readonly rejectedLater = new Map<string, ProcessingErrorV1>();

  constructor(parsed: { documents?: readonly CatalogFileDocument[]; errors: readonly CatalogFileDocumentError[] }) {
    for (const document of parsed.documents ?? []) {
      this.documents.set(document.index, {
        index: document.index,
        line: document.line,
        ...(document.ref ? { entityRef: document.ref } : {}),
        outcome: document.outcome,
        errors: document.problem ? [documentError(document.problem)] : [],
        ...(document.owner ? { owner: document.owner } : {}),
      });
    }
    // A file refused whole (too large) has errors but no documents.
    for (const error of parsed.errors) {
      if (!this.documents.has(error.index)) this.documents.set(error.index, { index: error.index, outcome: 'rejected', errors: [documentError(error.problem)] });
    }
  }

  private documentOf(ref: string): LocationDocumentStatusV1 | undefined {
    // The accepted declaration of the ref: the last one, as the file's entities are.
    return [...this.documents.values()].reverse().find((d) => d.entityRef === ref && d.outcome === 'accepted');
  }

  /** A target of the entity's Location that is not followed: reported, the Location itself stays. */
  targetNotFollowed(ref: string, target: string, reason: string): void {
    this.documentOf(ref)?.errors.push({ name: 'InputError', code: 'target-not-followed', message: `target ${target} is not read: ${reason}` });
  }

  /** The entity's Location names a file that does not exist: as in Backstage (NotFoundError), the Location is not published. */
  targetNotFound(ref: string, target: string): void {
    const document = this.documentOf(ref);
    const error: ProcessingErrorV1 = { name: 'NotFoundError', message: `the Location's target ${target} does not exist in the repository${document?.line ? ` (document ${document.index + 1}, line ${document.line})` : ''}` };
    if (document) {
      document.outcome = 'rejected';
      document.errors.push({ ...error, code: 'target-not-found' });
    }
    this.rejectedLater.set(ref, error);
  }

  /** Refs whose documents were rejected, each with the errors served in its entity's `status.items`. */
  problems(): Map<string, ProcessingErrorV1[]> {
    const problems = new Map<string, ProcessingErrorV1[]>();
    for (const document of this.documents.values()) {
      if (document.outcome !== 'rejected' || !document.entityRef) continue;
      problems.set(document.entityRef, document.errors.map(({ name, message }) => ({ name, message })));
    }
    for (const [ref, error] of this.rejectedLater) if (!problems.has(ref)) problems.set(ref, [error]);
    return problems;
  }

  /** The refs rejected after parsing, which the file must then not publish. */
  get rejectedAfterParse(): ReadonlySet<string> {
    return new Set(this.rejectedLater.keys());
  }

  list(): LocationDocumentStatusV1[] {
    return [...this.documents.values()].sort((a, b) => a.index - b.index);
  }
}

/** A rejected document's problem as the location status tells it: in the author's words, with where. */
function documentError(problem: DocumentProblem): LocationDocumentErrorV1 {
  return {
    name: 'InputError',
    message: problem.message,
    ...(problem.line ? { line: problem.line } : {}),
    ...(problem.field ? { field: problem.field } : {}),
    code: problem.code,
  };
}
