// The artifact half of the results service (Twirp ArtifactService, artifact version 7) and the
// artifact parts of the public REST API that reach other runs' artifacts.
import type { BlobStore } from "./blob-store.js";
import type { RuntimeTokenClaims } from "./runtime-token.js";
import { TwirpError } from "./twirp.js";

/** An artifact as tests see it. */
export interface ArtifactInfo {
  /** The artifact id (`database_id` in Twirp, `id` in REST): unique across runs. */
  id: number;
  /** Public run id, when the stand-in knows which run the backend id belongs to. */
  runId?: number;
  runBackendId: string;
  jobBackendId: string;
  /** The run attempt whose job created it (from the creating token's job backend id). */
  runAttempt: number;
  name: string;
  mimeType: string;
  /** Bytes as reported at finalize. */
  size: number;
  /** Exactly as the client sent it at finalize, e.g. `sha256:<hex>`. */
  digest?: string;
  createdAt: string;
  expiresAt?: string;
  finalized: boolean;
  expired: boolean;
  deleted: boolean;
}

interface Artifact extends Omit<ArtifactInfo, "expired"> {
  blobName: string;
  /** Set by `expire()`; an artifact also expires when `expiresAt` passes. */
  expiredByTest: boolean;
}

interface RunScopedRequest {
  workflow_run_backend_id?: string;
  workflow_job_run_backend_id?: string;
  name?: string;
}
interface CreateRequest extends RunScopedRequest {
  expires_at?: string;
  version?: number;
  mime_type?: string;
}
interface FinalizeRequest extends RunScopedRequest {
  size?: string;
  hash?: string;
}
interface ListRequest extends RunScopedRequest {
  name_filter?: string;
  id_filter?: string;
}

/** The outcome of asking for an artifact's zip through the REST API. */
export type ArtifactDownload = { kind: "redirect"; url: string } | { kind: "expired" } | { kind: "not_found" };

export interface ArtifactServiceOptions {
  blobs: BlobStore;
  container: string;
  now: () => number;
  /** The public run id for a run backend id, when known. */
  runIdOf: (runBackendId: string, claims: RuntimeTokenClaims) => number | undefined;
  /** The run attempt a job backend id belongs to (1 when unknown). */
  attemptOf: (jobBackendId: string) => number;
}

export class ArtifactService {
  private readonly artifacts: Artifact[] = [];
  // Start well away from 1 so an id is never mistaken for a run id or an index in a test.
  private nextId = 100_001;
  // Artifact ids are not in time order on the real service: a newer attempt of a run can get
  // a lower id than an older one (docs/ARCHITECTURE.md, "Artifacts of an earlier attempt"). Re-run
  // attempts draw from a lower range, so code that picks "the newest" by id picks wrong.
  private nextRerunId = 1001;

  constructor(private readonly options: ArtifactServiceOptions) {}

  async init(): Promise<void> {
    await this.options.blobs.createContainer(this.options.container);
  }

  async handle(method: string, claims: RuntimeTokenClaims, body: unknown): Promise<object> {
    const req = body as RunScopedRequest;
    // The real service only lets a token act on its own run (any job of it).
    if (req.workflow_run_backend_id !== claims.runBackendId) {
      throw new TwirpError("permission_denied", "the token is not for this workflow run");
    }
    switch (method) {
      case "CreateArtifact":
        return this.create(claims, body as CreateRequest);
      case "FinalizeArtifact":
        return this.finalize(body as FinalizeRequest);
      case "ListArtifacts":
        return this.listTwirp(body as ListRequest);
      case "GetSignedArtifactURL":
        return this.signedUrl(claims, body as RunScopedRequest);
      case "DeleteArtifact":
        return this.deleteTwirp(body as RunScopedRequest);
      default:
        throw new TwirpError("bad_route", `no such method ArtifactService/${method}`);
    }
  }

  /** Marks an artifact expired: REST shows `expired: true`, downloads fail, Twirp hides it. */
  expire(id: number): void {
    const artifact = this.artifacts.find((a) => a.id === id);
    if (!artifact) throw new Error(`no artifact with id ${id}`);
    artifact.expiredByTest = true;
  }

  list(): ArtifactInfo[] {
    return this.artifacts.map((a) => this.info(a));
  }

  // ---- REST side (other runs' artifacts) ----

  /** Finalized, not deleted artifacts (expired ones included), by id descending: not time order (see nextRerunId). */
  visible(filter: { runId?: number; name?: string }): ArtifactInfo[] {
    return this.artifacts
      .filter(
        (a) =>
          a.finalized &&
          !a.deleted &&
          (filter.runId === undefined || a.runId === filter.runId) &&
          (filter.name === undefined || a.name === filter.name),
      )
      .sort((a, b) => b.id - a.id)
      .map((a) => this.info(a));
  }

  download(id: number): ArtifactDownload {
    const artifact = this.artifacts.find((a) => a.id === id && a.finalized && !a.deleted);
    if (!artifact) return { kind: "not_found" };
    if (this.isExpired(artifact)) return { kind: "expired" };
    return { kind: "redirect", url: this.readUrl(artifact) };
  }

  async deleteById(id: number): Promise<boolean> {
    const artifact = this.artifacts.find((a) => a.id === id && a.finalized && !a.deleted);
    if (!artifact) return false;
    await this.remove(artifact);
    return true;
  }

  // ---- Twirp side (the token's own run) ----

  private async create(claims: RuntimeTokenClaims, req: CreateRequest): Promise<object> {
    const { runBackendId, jobBackendId, name } = runScoped(req);
    // One name per run: a re-run keeps the run, so the same name fails there too.
    if (this.artifacts.some((a) => a.runBackendId === runBackendId && a.name === name && !a.deleted)) {
      throw new TwirpError("already_exists", `an artifact with this name already exists on the workflow run`);
    }
    const mimeType = req.mime_type ?? "application/zip";
    const runAttempt = this.options.attemptOf(jobBackendId);
    const id = runAttempt > 1 ? this.nextRerunId++ : this.nextId++;
    const fileName = mimeType === "application/zip" ? `${name}.zip` : name;
    const artifact: Artifact = {
      id,
      runId: this.options.runIdOf(runBackendId, claims),
      runBackendId,
      jobBackendId,
      runAttempt,
      name,
      mimeType,
      size: 0,
      createdAt: new Date(this.options.now()).toISOString(),
      expiresAt: req.expires_at ? new Date(req.expires_at).toISOString() : undefined,
      finalized: false,
      deleted: false,
      expiredByTest: false,
      blobName: `${runBackendId}/${id}/${fileName}`,
    };
    this.artifacts.push(artifact);
    return {
      ok: true,
      signed_upload_url: this.options.blobs.signUrl(this.options.container, artifact.blobName, { permissions: "cw" }),
    };
  }

  private async finalize(req: FinalizeRequest): Promise<object> {
    const { runBackendId, name } = runScoped(req);
    const artifact = this.artifacts.find((a) => a.runBackendId === runBackendId && a.name === name && !a.deleted && !a.finalized);
    if (!artifact) throw new TwirpError("not_found", `no artifact named '${name}' is being uploaded`);
    const stored = await this.options.blobs.size(this.options.container, artifact.blobName);
    if (stored === undefined) throw new TwirpError("failed_precondition", `nothing was uploaded for '${name}'`);
    artifact.size = Number(req.size ?? stored);
    artifact.digest = req.hash;
    artifact.finalized = true;
    return { ok: true, artifact_id: String(artifact.id) };
  }

  private listTwirp(req: ListRequest): object {
    const { runBackendId } = runScoped({ ...req, name: "-" });
    const idFilter = req.id_filter === undefined ? undefined : Number(req.id_filter);
    const artifacts = this.artifacts
      .filter(
        (a) =>
          a.runBackendId === runBackendId &&
          a.finalized &&
          !a.deleted &&
          !this.isExpired(a) &&
          (req.name_filter === undefined || a.name === req.name_filter) &&
          (idFilter === undefined || a.id === idFilter),
      )
      .map((a) => ({
        workflow_run_backend_id: a.runBackendId,
        workflow_job_run_backend_id: a.jobBackendId,
        database_id: String(a.id),
        name: a.name,
        size: String(a.size),
        created_at: a.createdAt,
        ...(a.digest === undefined ? {} : { digest: a.digest }),
      }));
    return { artifacts };
  }

  private signedUrl(claims: RuntimeTokenClaims, req: RunScopedRequest): object {
    const { runBackendId, name } = runScoped(req);
    const artifact = this.artifacts.find((a) => a.runBackendId === runBackendId && a.name === name && a.finalized && !a.deleted);
    if (!artifact || this.isExpired(artifact)) throw new TwirpError("not_found", `artifact '${name}' not found`);
    // The internal (results service) download refuses an earlier attempt's artifact of the
    // same run: 404 "workflow run not found" (actions/download-artifact#486). ListArtifacts
    // still lists it, so a client that lists, then downloads, fails only at the download.
    // The REST API with findBy reaches it.
    if (artifact.runAttempt < this.options.attemptOf(claims.jobBackendId)) throw new TwirpError("not_found", "workflow run not found");
    return { signed_url: this.readUrl(artifact) };
  }

  private async deleteTwirp(req: RunScopedRequest): Promise<object> {
    const { runBackendId, name } = runScoped(req);
    const artifact = this.artifacts.find((a) => a.runBackendId === runBackendId && a.name === name && !a.deleted);
    if (!artifact) throw new TwirpError("not_found", `artifact '${name}' not found`);
    await this.remove(artifact);
    return { ok: true, artifact_id: String(artifact.id) };
  }

  private async remove(artifact: Artifact): Promise<void> {
    artifact.deleted = true;
    await this.options.blobs.delete(this.options.container, artifact.blobName);
  }

  private readUrl(artifact: Artifact): string {
    const fileName = artifact.blobName.slice(artifact.blobName.lastIndexOf("/") + 1);
    return this.options.blobs.signUrl(this.options.container, artifact.blobName, {
      permissions: "r",
      ttlMs: 10 * 60_000,
      contentDisposition: `attachment; filename="${fileName}"`,
    });
  }

  private isExpired(artifact: Artifact): boolean {
    if (artifact.expiredByTest) return true;
    return artifact.expiresAt !== undefined && Date.parse(artifact.expiresAt) <= this.options.now();
  }

  private info(artifact: Artifact): ArtifactInfo {
    const { blobName: _blobName, expiredByTest: _expiredByTest, ...rest } = artifact;
    return { ...rest, expired: this.isExpired(artifact) };
  }
}

function runScoped(req: RunScopedRequest): { runBackendId: string; jobBackendId: string; name: string } {
  if (!req.workflow_run_backend_id) throw new TwirpError("invalid_argument", "workflow_run_backend_id is required");
  if (!req.name) throw new TwirpError("invalid_argument", "name is required");
  return {
    runBackendId: req.workflow_run_backend_id,
    jobBackendId: req.workflow_job_run_backend_id ?? "",
    name: req.name,
  };
}
