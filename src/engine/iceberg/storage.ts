import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { S3Location } from './s3-location';

/** Parts of a multipart upload; S3 needs at least 5 MiB for every part but the last. */
const PART_BYTES = 8 * 1024 * 1024;

interface MultipartUpload {
  readonly id: string;
  readonly parts: { PartNumber: number; ETag: string }[];
}

export interface StoredObject {
  readonly key: string;
  readonly size: number;
}

/** The outcome of a write: the size stored at the key, and whether this call wrote it. */
export interface PutOutcome {
  readonly size: number;
  readonly written: boolean;
}

/**
 * The S3 calls the Iceberg rewrite makes, counted by "s3:Operation". Writes are conditional
 * (`If-None-Match: *`): a staged key is written once and never replaced, so two replicators that race
 * on one key both end up naming the first copy, with its real length. In a dry run nothing is
 * written: the bytes are counted and dropped.
 */
export class IcebergStorage {
  readonly apiCalls: Record<string, number> = {};

  constructor(private readonly s3: S3Client, readonly dryRun: boolean) {}

  /** The whole object, or undefined when it does not exist. `range` is inclusive, as in HTTP. */
  async getBytes(location: S3Location, range?: { start: number; end: number }): Promise<Buffer | undefined> {
    const body = await this.getStream(location, range);
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }

  /** The object as a stream of chunks, or undefined when it does not exist. */
  async getStream(location: S3Location, range?: { start: number; end: number }): Promise<AsyncIterable<Uint8Array> | undefined> {
    this.count('GetObject');
    try {
      const response = await this.s3.send(new GetObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }));
      return response.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw failure('GetObject', location, error);
    }
  }

  async head(location: S3Location): Promise<StoredObject | undefined> {
    this.count('HeadObject');
    try {
      const response = await this.s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
      return { key: location.key, size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw failure('HeadObject', location, error);
    }
  }

  /** Every object under `prefix` after `startAfter`, in key order, one page (1,000 keys) at a time. */
  async* list(bucket: string, prefix: string, startAfter?: string): AsyncGenerator<StoredObject> {
    let token: string | undefined;
    do {
      this.count('ListObjectsV2');
      const page = await this.s3.send(new ListObjectsV2Command({
        Bucket: bucket, Prefix: prefix, ContinuationToken: token, StartAfter: token ? undefined : startAfter,
      })).catch(error => {
        throw failure('ListObjectsV2', { bucket, key: prefix }, error);
      });
      for (const object of page.Contents ?? []) yield { key: object.Key!, size: object.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Writes the chunks to a key that must not exist yet. Up to 8 MiB is one PutObject; more is a
   * multipart upload, so memory holds one part whatever the size of the file.
   */
  async putIfAbsent(location: S3Location, body: AsyncIterable<Uint8Array> | Uint8Array, contentType: string): Promise<PutOutcome> {
    const chunks = body instanceof Uint8Array ? [body] : body;
    if (this.dryRun) {
      let size = 0;
      for await (const chunk of chunks) size += chunk.length;
      return { size, written: true };
    }
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    let upload: MultipartUpload | undefined;
    let size = 0;
    try {
      for await (const chunk of chunks) {
        buffered.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
        bufferedBytes += chunk.length;
        size += chunk.length;
        while (bufferedBytes >= PART_BYTES) {
          upload ??= await this.createUpload(location, contentType);
          const all = Buffer.concat(buffered);
          await this.uploadPart(location, upload, all.subarray(0, PART_BYTES));
          buffered = [all.subarray(PART_BYTES)];
          bufferedBytes = all.length - PART_BYTES;
        }
      }
      if (!upload) return await this.putObject(location, Buffer.concat(buffered), contentType);
      if (bufferedBytes > 0) await this.uploadPart(location, upload, Buffer.concat(buffered));
      return await this.completeUpload(location, upload, size);
    } catch (error) {
      if (upload) await this.abortUpload(location, upload.id);
      throw error;
    }
  }

  private async putObject(location: S3Location, body: Buffer, contentType: string): Promise<PutOutcome> {
    this.count('PutObject');
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body, ContentType: contentType, IfNoneMatch: '*' }));
      return { size: body.length, written: true };
    } catch (error) {
      if (isPreconditionFailed(error)) return this.existing(location);
      throw failure('PutObject', location, error);
    }
  }

  private async createUpload(location: S3Location, contentType: string): Promise<MultipartUpload> {
    this.count('CreateMultipartUpload');
    const created = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: location.bucket, Key: location.key, ContentType: contentType }));
    return { id: created.UploadId!, parts: [] };
  }

  private async uploadPart(location: S3Location, upload: MultipartUpload, body: Buffer) {
    this.count('UploadPart');
    const PartNumber = upload.parts.length + 1;
    const part = await this.s3.send(new UploadPartCommand({
      Bucket: location.bucket, Key: location.key, UploadId: upload.id, PartNumber, Body: body,
    }));
    upload.parts.push({ PartNumber, ETag: part.ETag! });
  }

  private async completeUpload(location: S3Location, upload: MultipartUpload, size: number): Promise<PutOutcome> {
    this.count('CompleteMultipartUpload');
    try {
      await this.s3.send(new CompleteMultipartUploadCommand({
        Bucket: location.bucket, Key: location.key, UploadId: upload.id, IfNoneMatch: '*', MultipartUpload: { Parts: upload.parts },
      }));
      return { size, written: true };
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      await this.abortUpload(location, upload.id);
      return this.existing(location);
    }
  }

  private async abortUpload(location: S3Location, uploadId: string): Promise<void> {
    this.count('AbortMultipartUpload');
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket: location.bucket, Key: location.key, UploadId: uploadId })).catch(() => undefined);
  }

  /** Another writer got there first: adopt its copy, whose length is what the parent must record. */
  private async existing(location: S3Location): Promise<PutOutcome> {
    const stored = await this.head(location);
    if (!stored) throw new Error(`s3://${location.bucket}/${location.key} was written concurrently but cannot be read back`);
    return { size: stored.size, written: false };
  }

  private count(operation: string): void {
    const key = `s3:${operation}`;
    this.apiCalls[key] = (this.apiCalls[key] ?? 0) + 1;
  }
}

/** An S3 error, naming the call and the object, so a report says what to fix. */
function failure(operation: string, location: { bucket: string; key: string }, error: unknown): Error {
  const e = error as Error;
  return new Error(`${operation} s3://${location.bucket}/${location.key}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`, { cause: error });
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  // A missing bucket is a configuration error, not an object still to arrive.
  if (e.name === 'NoSuchBucket') return false;
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412;
}
