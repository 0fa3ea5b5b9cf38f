/*
 * Near-real-time demo on moto: a change in the source flows through the ledger and the applier
 * to two target Regions. moto has no CloudTrail event history, so the CloudTrail events are
 * SIMULATED: built in CloudTrail's record format and served to the real poller by a stub.
 * Everything else is real: the DynamoDB ledger, its stream records, Glue in three Regions.
 */
import { CreateDatabaseCommand, CreateTableCommand, DeleteTableCommand, GetTablesCommand } from '@aws-sdk/client-glue';
import { GrantPermissionsCommand, ListPermissionsCommand, RevokePermissionsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { Scope } from '../src/engine/kernel/scope';
import { lakeFormationObjectConverger, resourceLabel } from '../src/engine/lake-formation';
import { kindsWithout } from '../src/shared/lake-formation-kinds';
import { startMoto } from '../test/support/moto';
import { BUCKET_MAPPINGS, Pipeline, SOURCE, TARGETS } from '../test/support/realtime/pipeline';
import { params, trailEvent } from '../test/support/realtime/trail-events';

const say = (line = '') => process.stdout.write(`${line}\n`);

async function tablesIn(p: Pipeline, region: string): Promise<string> {
  const result = await p.glueAt(region).send(new GetTablesCommand({ DatabaseName: 'sales' })).catch(() => ({ TableList: [] }));
  return (result.TableList ?? []).map(t => `${t.Name} -> ${t.StorageDescriptor?.Location}`).join(', ') || '(none)';
}

async function grantsIn(p: Pipeline, region: string): Promise<string> {
  const { PrincipalResourcePermissions: grants = [] } = await p.clients.get(LakeFormationClient, region).send(new ListPermissionsCommand({}));
  return grants.map(g => `${g.Principal?.DataLakePrincipalIdentifier?.split('/').pop()} ${g.Permissions?.join(',')} on ${resourceLabel(g.Resource!)}`).join('; ') || '(no grants)';
}

async function ledgerLines(p: Pipeline, ids: string[]) {
  for (const id of ids) {
    const e = (await p.ledger.getEvent(id))!;
    const targets = Object.entries(e.targets).map(([r, t]) => `${r}=${t.status}${t.reason ? ` (${t.reason})` : ''}`).join('; ');
    say(`  ledger ${e.eventName.padEnd(14)} ${e.state.padEnd(7)} ${targets}`);
  }
}

/** Runs the demo against a moto endpoint (one is started when none is given). */
export async function demoRealtime(endpoint?: string): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= 'demo';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'demo';
  const moto = endpoint ? undefined : await startMoto();
  const p = await Pipeline.start(endpoint ?? moto!.endpoint);
  // moto has no opt-ins or LF-tag expressions: those two kinds are left out here.
  p.lakeFormation = lakeFormationObjectConverger({
    clients: p.clients,
    sourceRegion: SOURCE,
    scope: new Scope({}),
    kinds: kindsWithout(['opt-ins', 'lf-tag-expressions']),
    bucketMappings: BUCKET_MAPPINGS,
    protectedPrincipals: [],
  });
  const source = p.glueAt(SOURCE);
  try {
    say(`# Near-real-time replication: ${SOURCE} -> ${TARGETS.join(', ')} (moto)`);
    say('# CloudTrail events below are SIMULATED (moto has no LookupEvents); ledger, stream and Glue are moto.\n');

    say('1. Someone creates a database and a table in the source.');
    await source.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales', LocationUri: 's3://acme-lake-raw/sales/' } }));
    await source.send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'orders', StorageDescriptor: { Location: 's3://acme-lake-raw/sales/orders/' } } }));
    const polled = await p.record(
      trailEvent({ id: 'sim-create-db', name: 'CreateDatabase', time: new Date(), params: params.createDatabase('sales') }),
      trailEvent({ id: 'sim-create-table', name: 'CreateTable', time: new Date(), params: params.createTable('sales', 'orders') }),
      trailEvent({ id: 'sim-get-table', name: 'GetTable', time: new Date(), params: { databaseName: 'sales', name: 'orders' }, readOnly: true }),
    );
    say(`   poller: ${polled.lookupCalls} LookupEvents call(s) (ReadOnly=false: the GetTable read is never returned), ${polled.pending} event(s) into the ledger`);
    await ledgerLines(p, ['sim-create-db', 'sim-create-table']);
    const records = await p.pendingRecords();
    say(`   ledger stream: ${records.length} record(s) (${records.map(r => r.eventName).join(', ')}) -> applier`);
    await p.apply(records);
    await ledgerLines(p, ['sim-create-db', 'sim-create-table']);
    for (const region of TARGETS) say(`   ${region}: ${await tablesIn(p, region)}`);

    say('\n2. The same events again (CloudTrail overlap): deduped by event id, nothing to apply.');
    const again = await p.record();
    say(`   poller: ${again.duplicates} duplicate(s), ${again.pending} new`);

    say('\n3. The table is dropped in the source; its delete reaches every target.');
    await source.send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'orders' }));
    await p.flow(trailEvent({ id: 'sim-delete-table', name: 'DeleteTable', time: new Date(), params: params.deleteTable('sales', 'orders') }));
    await ledgerLines(p, ['sim-delete-table']);
    for (const region of TARGETS) say(`   ${region}: ${await tablesIn(p, region)}`);

    say('\n4. An analyst is granted SELECT on three columns in the source, then revoked.');
    await source.send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'orders', StorageDescriptor: { Location: 's3://acme-lake-raw/sales/orders/' } } }));
    await p.flow(trailEvent({ id: 'sim-recreate-table', name: 'CreateTable', time: new Date(), params: params.createTable('sales', 'orders') }));
    const columns = { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id', 'name', 'type'] } };
    const analyst = { DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/analyst' };
    for (const [id, name, command] of [
      ['sim-grant', 'GrantPermissions', new GrantPermissionsCommand({ Principal: analyst, Resource: columns, Permissions: ['SELECT'] })],
      ['sim-revoke', 'RevokePermissions', new RevokePermissionsCommand({ Principal: analyst, Resource: columns, Permissions: ['SELECT'] })],
    ] as const) {
      await p.clients.get(LakeFormationClient, SOURCE).send(command as GrantPermissionsCommand);
      await p.flow(trailEvent({
        id,
        name,
        source: 'lakeformation.amazonaws.com',
        time: new Date(),
        params: params.grant(analyst.DataLakePrincipalIdentifier, { databaseName: 'sales', name: 'orders' }),
      }));
      await ledgerLines(p, [id]);
      for (const region of TARGETS) say(`   ${region}: ${await grantsIn(p, region)}`);
    }

    const lags = p.signals.values('ReplicationLagMs');
    say(`\nReplication lag measured (source event time -> applied): ${lags.map(l => `${l} ms`).join(', ')}`);
    say('In AWS, add CloudTrail delivery (typically a few minutes) and the poll interval: see docs/near-real-time.md.');
  } finally {
    p.stop();
    await moto?.stop();
  }
}

if (require.main === module) {
  demoRealtime().catch(error => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
