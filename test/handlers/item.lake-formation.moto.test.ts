import { glueAt, motoCli } from '../support/cli-harness';
import { BUCKET, SOURCE, TARGETS, useJobHarness } from '../support/job-harness';
import {
  grantAll, grantsIn, lfAt, LOCATION_ROLE, locationsIn, putSettings, register, sampleGrants, settingsIn, SOURCE_ADMIN,
} from '../support/lake-formation-seed';
import { seedSampleLake } from '../support/sample-lake';

/**
 * The on-demand job's Lake Formation items against moto with real Lake Formation state: the
 * items run before and after the distributed map, grants reach both targets, and the run's
 * snapshot carries the Lake Formation part first so a restore rebuilds the grants.
 * moto: no opt-ins or LF-tag expressions (skipped), no LF-tags (with one, ListPermissions by
 * ResourceType answers 500), and no grant options (its batch grant drops them).
 */

const job = useJobHarness();
const toDr = (arn: string) => arn.replace(':::acme-lake-raw/', ':::acme-lake-raw-dr/');

describe('on-demand job Lake Formation items against moto', () => {
  test('grants, locations and settings reach both targets; the snapshot holds the Lake Formation part first and restores the grants', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    const src = lfAt(job.endpoint, SOURCE);
    await putSettings(src, { DataLakeAdmins: [{ DataLakePrincipalIdentifier: SOURCE_ADMIN }], Parameters: { CROSS_ACCOUNT_VERSION: '4' } });
    await register(src, 'arn:aws:s3:::acme-lake-raw/sales', LOCATION_ROLE);
    await grantAll(src, sampleGrants().map(g => ({ ...g, grantable: [] })).filter(g => !g.resource.DataLocation?.ResourceArn?.includes('curated')));
    const expected = await grantsIn(src, toDr);
    expect(Object.keys(expected)).toHaveLength(8);

    const { outcome, report } = await job.runStateMachine({}, 900_000, 'lf-run');
    expect(outcome.failed).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.counts.permission).toMatchObject({ created: 8 * 2, failed: 0 });
    expect(report.counts.dataLocation).toMatchObject({ created: 2 });
    for (const region of TARGETS) {
      const lf = lfAt(job.endpoint, region);
      expect(await grantsIn(lf)).toEqual(expected);
      expect(await locationsIn(lf)).toEqual([{ ResourceArn: 'arn:aws:s3:::acme-lake-raw-dr/sales', RoleArn: LOCATION_ROLE }]);
      expect((await settingsIn(lf)).DataLakeAdmins).toEqual([{ DataLakePrincipalIdentifier: SOURCE_ADMIN }]);
    }

    // The manifest lists the Lake Formation part first, and its header names the kinds captured.
    const manifest = await job.readJson<{ header: { lakeFormation?: { kinds: string[] } }; parts: string[]; totals: { lakeFormation?: number } }>(
      outcome.snapshotLocation!.slice(`s3://${BUCKET}/`.length));
    expect(manifest.parts[0]).toBe('_lake-formation.jsonl.gz');
    expect(manifest.header.lakeFormation!.kinds).toEqual(expect.arrayContaining(['dataLakeSettings', 'dataLocation', 'permission']));
    expect(manifest.totals.lakeFormation).toBe(1 + 1 + 8);

    // A restore of the run's snapshot into a third Region rebuilds the grants (the source not read).
    const restore = await motoCli(job.endpoint, 'restore', '--from', outcome.snapshotLocation!, '--target-region', 'ap-southeast-2',
      '--bucket-map', 'acme-lake-raw=acme-lake-raw-dr', '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.permission).toMatchObject({ created: 8, failed: 0 });
    expect(await grantsIn(lfAt(job.endpoint, 'ap-southeast-2'))).toEqual(expected);

    // A second run over the unchanged lake grants nothing again.
    const again = await job.runStateMachine({}, 900_000, 'lf-again');
    expect(again.report.counts.permission).toMatchObject({ created: 0, deleted: 0, unchanged: 8 * 2 });
    const lfWrites = Object.entries(again.report.apiCalls).filter(([op]) => op.startsWith('lakeformation:') && !/:(Get|List)/.test(op));
    expect(lfWrites).toEqual([]);
  });
});
