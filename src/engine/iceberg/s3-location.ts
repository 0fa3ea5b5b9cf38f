/** An object in S3 named by an `s3://`, `s3a://` or `s3n://` URI. */
export interface S3Location {
  readonly scheme: string;
  readonly bucket: string;
  readonly key: string;
}

const S3_URI = /^(s3|s3a|s3n):\/\/([^/?#]+)\/(.*)$/s;

/** Undefined for anything that is not an absolute S3 URI (a format v4 relative path, for example). */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = S3_URI.exec(uri);
  if (!match) return undefined;
  return { scheme: match[1], bucket: match[2], key: match[3] };
}

export function s3Uri(location: S3Location): string {
  return `${location.scheme}://${location.bucket}/${location.key}`;
}

/** The "directory" of a key: everything up to and including its last `/` ('' at the bucket root). */
export function keyDirectory(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}
