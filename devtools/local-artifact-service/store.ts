// In-memory artifacts of workflow runs. The bytes live in the cache service's EntryStore (one blob entry
// per artifact), so the Azure blob emulation of devtools/local-actions-cache serves them unchanged.

import { EntryStore, type StoredEntry } from "../local-actions-cache/store.ts";

export interface ArtifactRecord {
  /** The artifact's database id (what FinalizeArtifact answers and ListArtifacts reports). */
  id: number;
  runId: string;
  jobId: string;
  name: string;
  mimeType: string;
  expiresAt: Date | undefined;
  createdAt: Date;
  /** `sha256:<hex>` given at finalization, if any. */
  digest: string | undefined;
  /** Content type stored with the blob (x-ms-blob-content-type of the commit), served back on download. */
  blobContentType: string | undefined;
  entry: StoredEntry;
}

export class ArtifactStore {
  /** Blob storage, shared with the Azure blob handler. */
  readonly blobs = new EntryStore();
  private readonly list: ArtifactRecord[] = [];
  private created = 0;

  all(): readonly ArtifactRecord[] {
    return this.list;
  }

  /** The live artifact of this run with this name (finalized or still being uploaded). */
  byName(runId: string, name: string): ArtifactRecord | undefined {
    return this.list.find((a) => a.runId === runId && a.name === name);
  }

  byBlobId(blobId: string): ArtifactRecord | undefined {
    return this.list.find((a) => a.entry.blobId === blobId);
  }

  create(runId: string, jobId: string, name: string, mimeType: string, expiresAt: Date | undefined): ArtifactRecord {
    // The run and name are the blob's key; the version only has to be unique (recreated after a delete).
    const entry = this.blobs.create(`${runId}/${name}`, String(++this.created));
    const record: ArtifactRecord = {
      id: entry.id,
      runId,
      jobId,
      name,
      mimeType,
      expiresAt,
      createdAt: new Date(),
      digest: undefined,
      blobContentType: undefined,
      entry,
    };
    this.list.push(record);
    return record;
  }

  /** Forget the artifact; its blob stops being served (the signed URLs answer 404). */
  delete(record: ArtifactRecord): void {
    const index = this.list.indexOf(record);
    if (index >= 0) this.list.splice(index, 1);
  }
}
