/**
 * Why a file cannot be rewritten yet (or at all). A blocked file is not written, and neither is any
 * file that names it, so a chain is only ever switched to when all of it is there.
 */
export abstract class Blocked extends Error {}

/** The replicated copy is not in the target bucket (yet). */
export class MissingObject extends Blocked {
  constructor(readonly uri: string, readonly committedAt: number | undefined, detail = 'not found') {
    super(`${uri}: ${detail}`);
    this.name = 'MissingObject';
  }
}

/** A path names a bucket that has no mapping for this target. */
export class UnmappedBucket extends Blocked {
  constructor(readonly bucket: string) {
    super(`bucket "${bucket}" has no mapping`);
    this.name = 'UnmappedBucket';
  }
}

/** A file this rewrite does not handle (an ORC position-delete file, an LZ4 Puffin footer, ...). */
export class Unsupported extends Blocked {
  constructor(readonly uri: string, readonly detail: string) {
    super(`${uri}: ${detail}`);
    this.name = 'Unsupported';
  }
}
