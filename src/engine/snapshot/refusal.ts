/**
 * A snapshot a restore will not apply, refused before anything is written: its message names the
 * location, the line (when one is at fault) and what is wrong.
 */
export class SnapshotRefused extends Error {
  constructor(
    readonly location: string,
    readonly line: number | undefined,
    readonly problem: string,
    /**
     * True when nothing at the location is a snapshot at all: it is missing, empty, not gzip though
     * named ".gz", or its first line is not JSON. False for a snapshot that fails its checks.
     */
    readonly notASnapshot = false,
    /** Names the place when it is not a line, e.g. a split snapshot's header in its manifest. */
    label?: string,
  ) {
    super(`${location}${line !== undefined ? ` line ${line}` : label ? ` (${label})` : ''}: ${problem}`);
    this.name = 'SnapshotRefused';
  }
}

/** An empty file holds no snapshot. */
export function emptyFileRefused(location: string): SnapshotRefused {
  return new SnapshotRefused(location, undefined, 'the file is empty: this is not a lake-replica snapshot', true);
}
