// The cache half of the results service (Twirp CacheService, cache service v2), with the
// platform's rules: immutable keys, version match, branch scopes, newest prefix match wins.
import type { BlobStore } from "./blob-store.js";
import { CACHE_READ, CACHE_WRITE, type CacheScope, type RuntimeTokenClaims } from "./runtime-token.js";
import { TwirpError } from "./twirp.js";

/** A cache entry as tests see it. */
export interface CacheEntryInfo {
  id: number;
  key: string;
  version: string;
  /** The ref whose scope holds the entry, e.g. `refs/heads/main`. */
  scope: string;
  /** Creation order across all entries (1, 2, …): larger is newer. */
  createdOrder: number;
  createdAt: string;
  /** False between CreateCacheEntry and FinalizeCacheEntryUpload; only finalized entries restore. */
  finalized: boolean;
  /** Size reported at finalize; `undefined` before. */
  sizeBytes?: number;
  /** Last time a restore matched it. */
  lastAccessedAt?: string;
}

interface Entry extends CacheEntryInfo {
  blobName: string;
}

interface CreateRequest {
  key?: string;
  version?: string;
}
interface FinalizeRequest {
  key?: string;
  version?: string;
  size_bytes?: string;
}
interface DownloadRequest {
  key?: string;
  restore_keys?: string[];
  version?: string;
}

/** The prefix the client recognises for a refused write (@actions/cache CACHE_WRITE_DENIED_PREFIX). */
const WRITE_DENIED = "cache write denied:";

export interface CacheServiceOptions {
  blobs: BlobStore;
  container: string;
  now: () => number;
  /** Scopes for a token without an `ac` claim. */
  defaultScopes: CacheScope[];
}

export class CacheService {
  private readonly entries: Entry[] = [];
  private nextId = 1;

  constructor(private readonly options: CacheServiceOptions) {}

  async init(): Promise<void> {
    await this.options.blobs.createContainer(this.options.container);
  }

  async handle(method: string, claims: RuntimeTokenClaims, body: unknown): Promise<object> {
    switch (method) {
      case "CreateCacheEntry":
        return this.create(claims, body as CreateRequest);
      case "FinalizeCacheEntryUpload":
        return this.finalize(claims, body as FinalizeRequest);
      case "GetCacheEntryDownloadURL":
        return this.download(claims, body as DownloadRequest);
      default:
        throw new TwirpError("bad_route", `no such method CacheService/${method}`);
    }
  }

  /** Removes entries (and their blobs) by exact key, or all when `key` is omitted. */
  async evict(key?: string): Promise<number> {
    const gone = this.entries.filter((e) => key === undefined || e.key === key);
    for (const entry of gone) {
      this.entries.splice(this.entries.indexOf(entry), 1);
      await this.options.blobs.delete(this.options.container, entry.blobName);
    }
    return gone.length;
  }

  list(): CacheEntryInfo[] {
    return this.entries.map(({ blobName: _blobName, ...info }) => ({ ...info }));
  }

  private scopes(claims: RuntimeTokenClaims): CacheScope[] {
    return claims.cacheScopes.length > 0 ? claims.cacheScopes : this.options.defaultScopes;
  }

  private async create(claims: RuntimeTokenClaims, req: CreateRequest): Promise<object> {
    const { key, version } = required(req);
    const scope = this.scopes(claims).find((s) => (s.permission & CACHE_WRITE) !== 0);
    if (!scope) return { ok: false, message: `${WRITE_DENIED} the token has no writable cache scope` };
    // Keys are immutable: a second create of the same key and version in the same scope is
    // refused whether the first one was finalized or is still uploading.
    if (this.entries.some((e) => e.scope === scope.scope && e.key === key && e.version === version)) {
      throw new TwirpError("already_exists", `cache entry with key '${key}' and version already exists`);
    }
    const id = this.nextId++;
    const entry: Entry = {
      id,
      key,
      version,
      scope: scope.scope,
      createdOrder: id,
      createdAt: new Date(this.options.now()).toISOString(),
      finalized: false,
      blobName: `entries/${id}`,
    };
    this.entries.push(entry);
    return {
      ok: true,
      signed_upload_url: this.options.blobs.signUrl(this.options.container, entry.blobName, { permissions: "cw" }),
    };
  }

  private async finalize(claims: RuntimeTokenClaims, req: FinalizeRequest): Promise<object> {
    const { key, version } = required(req);
    const writable = this.scopes(claims).filter((s) => (s.permission & CACHE_WRITE) !== 0);
    const entry = this.entries.find((e) => !e.finalized && e.key === key && e.version === version && writable.some((s) => s.scope === e.scope));
    if (!entry) throw new TwirpError("not_found", `no cache entry with key '${key}' is being uploaded`);
    const stored = await this.options.blobs.size(this.options.container, entry.blobName);
    if (stored === undefined) return { ok: false, message: `nothing was uploaded for key '${key}'` };
    const sizeBytes = Number(req.size_bytes ?? stored);
    if (sizeBytes !== stored) {
      return { ok: false, message: `size_bytes ${sizeBytes} does not match the ${stored} bytes uploaded` };
    }
    entry.finalized = true;
    entry.sizeBytes = sizeBytes;
    return { ok: true, entry_id: String(entry.id) };
  }

  private async download(claims: RuntimeTokenClaims, req: DownloadRequest): Promise<object> {
    const { key, version } = required(req);
    const restoreKeys = req.restore_keys ?? [];
    // Matching as GitHub documents it: in each readable scope in order (the run's ref, then the
    // default branch), an exact key match, then the newest entry whose key starts with the key,
    // then the newest entry starting with each restore key in turn. The version must match.
    for (const scope of this.scopes(claims)) {
      if ((scope.permission & CACHE_READ) === 0) continue;
      const candidates = this.entries.filter((e) => e.finalized && e.scope === scope.scope && e.version === version);
      let match = candidates.find((e) => e.key === key);
      for (const prefix of [key, ...restoreKeys]) {
        if (match) break;
        match = newest(candidates.filter((e) => e.key.startsWith(prefix)));
      }
      if (match) {
        match.lastAccessedAt = new Date(this.options.now()).toISOString();
        return {
          ok: true,
          signed_download_url: this.options.blobs.signUrl(this.options.container, match.blobName, { permissions: "r" }),
          matched_key: match.key,
        };
      }
    }
    // A miss is not an error: HTTP 200 with ok false.
    return { ok: false };
  }
}

function newest(entries: Entry[]): Entry | undefined {
  return entries.reduce<Entry | undefined>((a, b) => (a === undefined || b.createdOrder > a.createdOrder ? b : a), undefined);
}

function required(req: { key?: string; version?: string }): { key: string; version: string } {
  if (!req.key) throw new TwirpError("invalid_argument", "key is required");
  if (!req.version) throw new TwirpError("invalid_argument", "version is required");
  return { key: req.key, version: req.version };
}
