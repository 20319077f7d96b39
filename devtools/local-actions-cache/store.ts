// In-memory cache entries and the lookup rules of GitHub's cache service (single scope).

import { createHash } from "node:crypto";

export interface StoredEntry {
  id: number;
  key: string;
  version: string;
  blobId: string;
  /** Monotonic creation order; "newest" means the highest value. */
  created: number;
  finalized: boolean;
  /** The committed blob (Put Blob or Put Block List), if any. */
  data: Buffer | undefined;
  /** Uncommitted blocks staged with Put Block, by block id (base64). */
  blocks: Map<string, Buffer>;
  /** Blocks of the last Put Block List, so a later list may reference them as <Committed>. */
  committedBlocks: Map<string, Buffer>;
  etag: string;
  lastModified: Date;
  createdAt: Date;
}

export class EntryStore {
  private readonly list: StoredEntry[] = [];
  private nextId = 1;

  all(): readonly StoredEntry[] {
    return this.list;
  }

  find(key: string, version: string): StoredEntry | undefined {
    return this.list.find((e) => e.key === key && e.version === version);
  }

  byBlobId(blobId: string): StoredEntry | undefined {
    return this.list.find((e) => e.blobId === blobId);
  }

  create(key: string, version: string): StoredEntry {
    const id = this.nextId++;
    const now = new Date();
    const entry: StoredEntry = {
      id,
      key,
      version,
      blobId: `${id}-${createHash("sha256").update(`${key}\n${version}`).digest("hex").slice(0, 16)}`,
      created: id,
      finalized: false,
      data: undefined,
      blocks: new Map(),
      committedBlocks: new Map(),
      etag: etagFor(id, now),
      lastModified: now,
      createdAt: now,
    };
    this.list.push(entry);
    return entry;
  }

  /**
   * GitHub's matching: for the primary key and then each restore key in order, an exact key match wins,
   * otherwise the most recently created entry whose key starts with it. Only finalized entries of the
   * same version are candidates.
   */
  match(key: string, restoreKeys: readonly string[], version: string): StoredEntry | undefined {
    const candidates = this.list.filter((e) => e.finalized && e.version === version);
    for (const wanted of [key, ...restoreKeys]) {
      if (wanted === "") continue;
      const exact = candidates.filter((e) => e.key === wanted);
      const pool = exact.length > 0 ? exact : candidates.filter((e) => e.key.startsWith(wanted));
      const newest = pool.reduce<StoredEntry | undefined>(
        (a, b) => (a === undefined || b.created > a.created ? b : a),
        undefined,
      );
      if (newest) return newest;
    }
    return undefined;
  }

  /** Replace the stored bytes of an entry (keeps ETag/Last-Modified coherent). */
  setData(entry: StoredEntry, data: Buffer): void {
    entry.data = data;
    entry.lastModified = new Date();
    entry.etag = etagFor(entry.id, entry.lastModified, data.length);
  }
}

function etagFor(id: number, when: Date, size = 0): string {
  return `"0x8DC${id.toString(16).toUpperCase().padStart(4, "0")}${when.getTime().toString(16).toUpperCase()}${size.toString(16)}"`;
}
