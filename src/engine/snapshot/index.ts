/** The snapshot format's public entry: what the composition root and the job use. */
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, noTotals, type SnapshotHeader, type SnapshotTotals } from './format';
export { LineWriter, SnapshotPins, type SplitSnapshotManifest } from './io';
export { lakeFormationRecords } from './lake-formation-records';
export { writeCatalogPart, writeSnapshotPart, type SnapshotPartResult } from './part';
export { SnapshotRefused } from './refusal';
export { SnapshotSource } from './source';
export { validateSnapshot } from './validate';
export { writeSnapshot } from './write';
