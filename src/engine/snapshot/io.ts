import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsClients } from '../kernel/clients';
import { s3Client } from '../kernel/s3';

/** A snapshot location is a local path or s3://bucket/key; ".gz" means gzip. */
export function parseS3Uri(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

const gzipped = (location: string) => location.endsWith('.gz');

/**
 * Opens a snapshot for reading, line by line. A run's snapshot is split: its manifest
 * (`.../snapshot/manifest.json`) holds the header, the part keys in order and the trailer,
 * and reads as one stream.
 */
export async function openLines(location: string, clients: AwsClients, region: string): Promise<AsyncIterator<string>> {
  if (location.endsWith('/manifest.json')) return splitLines(location, clients, region);
  return fileLines(location, clients, region);
}

async function splitLines(location: string, clients: AwsClients, region: string): Promise<AsyncIterator<string>> {
  const manifestLines = await fileLines(location, clients, region);
  let text = '';
  for (let r = await manifestLines.next(); !r.done; r = await manifestLines.next()) text += r.value;
  const manifest = JSON.parse(text) as SplitSnapshotManifest;
  const base = location.slice(0, location.lastIndexOf('/') + 1);
  async function* lines(): AsyncGenerator<string> {
    yield JSON.stringify(manifest.header);
    for (const part of manifest.parts) {
      const partLines = await fileLines(base + part, clients, region);
      for (let r = await partLines.next(); !r.done; r = await partLines.next()) if (r.value) yield r.value;
    }
    yield JSON.stringify({ end: manifest.totals });
  }
  return lines();
}

/** A run's snapshot: the header and trailer of the single-file form, with its records in parts. */
export interface SplitSnapshotManifest {
  readonly header: object;
  /** Paths relative to the manifest's folder, in order. */
  readonly parts: readonly string[];
  readonly totals: object;
}

async function fileLines(location: string, clients: AwsClients, region: string): Promise<AsyncIterator<string>> {
  const s3 = parseS3Uri(location);
  let stream: Readable;
  if (s3) {
    const object = await s3Client(clients, region).send(new GetObjectCommand({ Bucket: s3.bucket, Key: s3.key }));
    stream = object.Body as Readable;
  } else {
    stream = createReadStream(location);
  }
  if (gzipped(location)) stream = stream.pipe(createGunzip());
  return createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
}

/** Writes lines to a file, or to a temporary file uploaded to S3 when closed. */
export class LineWriter {
  private readonly path: string;
  private readonly out: Writable;
  private readonly done: Promise<void>;
  private readonly input = new Readable({ read() {} });

  constructor(private readonly location: string, private readonly clients: AwsClients, private readonly region: string) {
    this.path = parseS3Uri(location) ? join(tmpdir(), `lake-replica-${process.pid}-${Date.now()}.jsonl${gzipped(location) ? '.gz' : ''}`) : location;
    this.out = createWriteStream(this.path);
    this.done = gzipped(location) ? pipeline(this.input, createGzip(), this.out) : pipeline(this.input, this.out);
  }

  write(record: unknown): void {
    this.input.push(JSON.stringify(record) + '\n');
  }

  async close(): Promise<void> {
    this.input.push(null);
    await this.done;
    const s3 = parseS3Uri(this.location);
    if (!s3) return;
    try {
      const { size } = await fs.stat(this.path);
      await s3Client(this.clients, this.region).send(new PutObjectCommand({
        Bucket: s3.bucket,
        Key: s3.key,
        Body: createReadStream(this.path),
        ContentLength: size,
        ContentType: gzipped(this.location) ? 'application/gzip' : 'application/x-ndjson',
      }));
    } finally {
      await fs.rm(this.path, { force: true });
    }
  }
}
