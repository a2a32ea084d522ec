// Containers and SAS URLs on Azurite, the way the real service hands out signed blob URLs.
import { BlobSASPermissions, BlobServiceClient, SASProtocol, StorageSharedKeyCredential, generateBlobSASQueryParameters } from "@azure/storage-blob";
import type { Azurite } from "./azurite.js";

export interface SignOptions {
  /** SAS permissions, e.g. "r" to download, "cw" to upload. */
  permissions: string;
  /** How long the URL stays valid. @default 3_600_000 */
  ttlMs?: number;
  /** Content-Disposition Azurite should answer the download with. */
  contentDisposition?: string;
}

export class BlobStore {
  private readonly credential: StorageSharedKeyCredential;
  private readonly service: BlobServiceClient;

  constructor(private readonly azurite: Azurite) {
    this.credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    this.service = new BlobServiceClient(azurite.blobUrl, this.credential);
  }

  async createContainer(name: string): Promise<void> {
    await this.service.getContainerClient(name).createIfNotExists();
  }

  /**
   * A SAS URL for one blob. The protocol must allow plain http (`spr=https,http`): Azurite
   * listens on http and answers 403 to an https-only SAS.
   */
  signUrl(container: string, blob: string, options: SignOptions): string {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container,
        blobName: blob,
        permissions: BlobSASPermissions.parse(options.permissions),
        protocol: SASProtocol.HttpsAndHttp,
        // A minute of slack for clock differences, as real services allow.
        startsOn: new Date(Date.now() - 60_000),
        expiresOn: new Date(Date.now() + (options.ttlMs ?? 3_600_000)),
        contentDisposition: options.contentDisposition,
      },
      this.credential,
    );
    return `${this.service.getContainerClient(container).getBlobClient(blob).url}?${sas.toString()}`;
  }

  /** Size in bytes of a committed blob, or `undefined` when there is none. */
  async size(container: string, blob: string): Promise<number | undefined> {
    try {
      const props = await this.service.getContainerClient(container).getBlobClient(blob).getProperties();
      return props.contentLength;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async delete(container: string, blob: string): Promise<void> {
    await this.service.getContainerClient(container).getBlobClient(blob).deleteIfExists();
  }
}
