import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { isObject } from './record-shapes';
import { SnapshotRefused } from './refusal';
import { AwsClients } from '../kernel/clients';
import { errorMessage } from '../kernel/errors';
import { s3Client } from '../kernel/s3';

/** A snapshot location is a local path or s3://bucket/key; ".gz" means gzip. */
export function parseS3Uri(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

const gzipped = (location: string) => location.endsWith('.gz');

/** One line of a snapshot and where it is: its file, and its line there, or a label for a split snapshot's header and trailer. */
export interface SnapshotLine {
  readonly text: string;
  readonly file: string;
  readonly line?: number;
  readonly label?: string;
}

/**
 * What each file of a snapshot was when it was first read (an S3 object's ETag, a local file's size
 * and modification time), so a second read of the same snapshot reads the same bytes or fails.
 */
export class SnapshotPins {
  private readonly pins = new Map<string, string>();

  /** Records the version on the first read; on a later read, refuses a file that changed since. */
  check(file: string, version: string | undefined): void {
    if (version === undefined) return;
    const pinned = this.pins.get(file);
    if (pinned === undefined) this.pins.set(file, version);
    else if (pinned !== version) throw new SnapshotRefused(file, undefined, 'the file changed after it was checked; nothing more is read from it');
  }

  /** The version pinned for a file, if it was read before. */
  get(file: string): string | undefined {
    return this.pins.get(file);
  }
}

/**
 * Opens a snapshot for reading, line by line. A run's snapshot is split: its manifest
 * (`.../snapshot/manifest.json`) holds the header, the part keys in order and the trailer,
 * and reads as one stream. A file that cannot be read, is not gzip though named ".gz", or whose
 * gzip data ends early fails with its name.
 */
export function openLines(location: string, clients: AwsClients, region: string, pins = new SnapshotPins()): AsyncIterable<SnapshotLine> {
  if (location.endsWith('/manifest.json')) return splitLines(location, clients, region, pins);
  return fileLines(location, clients, region, pins);
}

async function* splitLines(location: string, clients: AwsClients, region: string, pins: SnapshotPins): AsyncIterable<SnapshotLine> {
  let text = '';
  for await (const { text: line } of fileLines(location, clients, region, pins)) text += line;
  const manifest = parseManifest(location, text);
  const base = location.slice(0, location.lastIndexOf('/') + 1);
  yield { text: JSON.stringify(manifest.header), file: location, label: 'its "header"' };
  for (const part of manifest.parts) {
    // A part holds records only; blank lines (none are written) are not records.
    for await (const line of fileLines(base + part, clients, region, pins)) if (line.text) yield line;
  }
  yield { text: JSON.stringify({ end: manifest.totals }), file: location, label: 'its "totals"' };
}

function parseManifest(location: string, text: string): SplitSnapshotManifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new SnapshotRefused(location, undefined, `the manifest is not JSON: ${(error as Error).message}`, true);
  }
  if (!isObject(manifest) || !isObject(manifest.header) || !isObject(manifest.totals)
    || !Array.isArray(manifest.parts) || !manifest.parts.every(p => typeof p === 'string')) {
    throw new SnapshotRefused(location, undefined, 'the manifest is not a split snapshot\'s: it needs "header" and "totals" objects and a "parts" list of paths');
  }
  return manifest as unknown as SplitSnapshotManifest;
}

/** A run's snapshot: the header and trailer of the single-file form, with its records in parts. */
export interface SplitSnapshotManifest {
  readonly header: object;
  /** Paths relative to the manifest's folder, in order. */
  readonly parts: readonly string[];
  readonly totals: object;
}

async function* fileLines(file: string, clients: AwsClients, region: string, pins: SnapshotPins): AsyncIterable<SnapshotLine> {
  let line = 0;
  let raw: Readable | undefined;
  let input: Readable | undefined;
  try {
    input = raw = await openFile(file, clients, region, pins);
    if (gzipped(file)) {
      const gunzip = createGunzip();
      raw.on('error', error => gunzip.destroy(error));
      input = raw.pipe(gunzip);
    }
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line++;
      yield { text, file, line };
    }
  } catch (error) {
    throw readFailure(file, line, error);
  } finally {
    input?.destroy();
    raw?.destroy();
  }
}

async function openFile(file: string, clients: AwsClients, region: string, pins: SnapshotPins): Promise<Readable> {
  const s3 = parseS3Uri(file);
  if (s3) {
    const pinned = pins.get(file);
    const object = await s3Client(clients, region).send(new GetObjectCommand({ Bucket: s3.bucket, Key: s3.key, IfMatch: pinned }));
    pins.check(file, object.ETag);
    return object.Body as Readable;
  }
  const { size, mtimeMs } = await fs.stat(file);
  pins.check(file, `${size}/${mtimeMs}`);
  return createReadStream(file);
}

/** A read that failed, as a refusal when the bytes are at fault, or an error that names the file otherwise. */
function readFailure(file: string, linesRead: number, error: unknown): Error {
  if (error instanceof SnapshotRefused) return error;
  const { code, name } = error as { code?: string; name?: string };
  const after = linesRead === 0 ? 'at its start' : `after line ${linesRead}`;
  if (code === 'ENOENT' || name === 'NoSuchKey') return new SnapshotRefused(file, undefined, 'there is no such file', true);
  if (name === 'NoSuchBucket') return new SnapshotRefused(file, undefined, 'there is no such bucket', true);
  if (code === 'EISDIR') return new SnapshotRefused(file, undefined, 'it is a folder, not a file', true);
  if (name === 'PreconditionFailed') return new SnapshotRefused(file, undefined, 'the object changed after it was checked; nothing more is read from it');
  if (code === 'Z_BUF_ERROR') return new SnapshotRefused(file, undefined, `its gzip data ends early ${after} (${(error as Error).message}): the snapshot is truncated`);
  if (code?.startsWith('Z_')) {
    const problem = `its gzip data is broken ${after} (${(error as Error).message})`;
    return new SnapshotRefused(file, undefined, linesRead === 0 ? `it is not gzip data, though its name ends in ".gz" (${(error as Error).message})` : problem, linesRead === 0);
  }
  return new Error(`reading ${file} failed: ${errorMessage(error)}`, { cause: error });
}

/**
 * Writes lines to a snapshot location, published only when complete. A file is written under a
 * temporary name in the same folder (so the rename stays on one file system and is atomic), flushed
 * to disk and renamed over the location when closed. For S3 the lines go to a temporary local file
 * that is uploaded with one PutObject when closed, which replaces the object only when it completes.
 * Until close() succeeds, the location keeps what it held; abort() removes the temporary file.
 */
export class LineWriter {
  private readonly temp: string;
  private readonly done: Promise<void>;
  private readonly input = new Readable({ read() {} });
  private uploadSent = false;

  constructor(private readonly location: string, private readonly clients: AwsClients, private readonly region: string) {
    const unique = `${process.pid}-${randomBytes(4).toString('hex')}`;
    this.temp = parseS3Uri(location)
      ? join(tmpdir(), `lake-replica-${unique}.jsonl${gzipped(location) ? '.gz' : ''}`)
      : join(dirname(location), `.${basename(location)}.${unique}.tmp`);
    const out: Writable = createWriteStream(this.temp);
    this.done = gzipped(location) ? pipeline(this.input, createGzip(), out) : pipeline(this.input, out);
    // Awaited by close() or abort(); a failure before then (e.g. a missing folder) must not go unhandled.
    this.done.catch(() => undefined);
  }

  write(record: unknown): void {
    this.input.push(JSON.stringify(record) + '\n');
  }

  /** Writes with `write`, then publishes; when either fails, aborts (the location keeps what it held) and rethrows. */
  async publish<T>(write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      await this.close();
      return result;
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Finishes the file and publishes it at the location. */
  async close(): Promise<void> {
    this.input.push(null);
    try {
      await this.done;
      await flushToDisk(this.temp);
      const s3 = parseS3Uri(this.location);
      if (!s3) {
        await fs.rename(this.temp, this.location);
        return;
      }
      const { size } = await fs.stat(this.temp);
      this.uploadSent = true;
      await s3Client(this.clients, this.region).send(new PutObjectCommand({
        Bucket: s3.bucket,
        Key: s3.key,
        Body: createReadStream(this.temp),
        ContentLength: size,
        ContentType: gzipped(this.location) ? 'application/gzip' : 'application/x-ndjson',
      }));
    } finally {
      await fs.rm(this.temp, { force: true });
    }
  }

  /** Gives up: the temporary file is removed and the location is never written. */
  async abort(): Promise<void> {
    this.input.destroy();
    await this.done.catch(() => undefined);
    await fs.rm(this.temp, { force: true });
  }

  /** What a failed write left at the location, for the failure's message. */
  async leftAsItWas(): Promise<string> {
    if (parseS3Uri(this.location)) {
      return this.uploadSent
        ? `the upload to ${this.location} did not complete, and S3 replaces an object only when an upload completes, so the snapshot there, if any, was left as it was`
        : `nothing was uploaded to ${this.location} (no PutObject was sent), so the snapshot there, if any, was left as it was`;
    }
    const existed = await fs.stat(this.location).then(() => true, () => false);
    return existed ? `the previous snapshot at ${this.location} was left as it was` : `no snapshot was written at ${this.location}`;
  }
}

async function flushToDisk(path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
