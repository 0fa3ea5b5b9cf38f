import { createServer, type Server } from 'node:http';
import { GetDataLakeSettingsCommand, LakeFormationClient, PutDataLakeSettingsCommand } from '@aws-sdk/client-lakeformation';
import { handler, type CustomResourceEvent } from '../../src/handlers/lake-formation-admin.lambda';
import { TEST_CREDENTIALS, useTestCredentials } from '../support/cli-harness';
import { startMoto, type MotoServer } from '../support/moto';

const ROLE = 'arn:aws:iam::123456789012:role/lake-replica-replicator';
const EXISTING = 'arn:aws:iam::123456789012:role/platform-admin';
const REGIONS = ['us-east-1', 'us-west-2'];

let moto: MotoServer;
let server: Server;
let responses: Array<{ Status: string; Reason: string; PhysicalResourceId: string }> = [];
let responseUrl: string;

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { responses.push(JSON.parse(body)); res.end(); });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/response`;
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await new Promise(resolve => server.close(resolve));
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  responses = [];
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

const lf = (region: string) => new LakeFormationClient({ region, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
const admins = async (region: string) =>
  ((await lf(region).send(new GetDataLakeSettingsCommand({}))).DataLakeSettings?.DataLakeAdmins ?? []).map(a => a.DataLakePrincipalIdentifier);

function event(RequestType: CustomResourceEvent['RequestType'], extra: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType,
    ResponseURL: responseUrl,
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'LakeFormationAdmin',
    ResourceProperties: { PrincipalArn: ROLE, Regions: REGIONS },
    ...extra,
  };
}

describe('Lake Formation admin registration against moto', () => {
  test('create merges the role into each Region\'s admin list and keeps every other admin and setting', async () => {
    await lf('us-east-1').send(new PutDataLakeSettingsCommand({
      DataLakeSettings: { DataLakeAdmins: [{ DataLakePrincipalIdentifier: EXISTING }], TrustedResourceOwners: ['210987654321'] },
    }));
    await handler(event('Create'));
    expect(responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: `lake-replica-admin:${ROLE}` })]);
    expect(await admins('us-east-1')).toEqual([EXISTING, ROLE]);
    expect(await admins('us-west-2')).toEqual([ROLE]);
    const settings = (await lf('us-east-1').send(new GetDataLakeSettingsCommand({}))).DataLakeSettings!;
    expect(settings.TrustedResourceOwners).toEqual(['210987654321']);

    // Idempotent: a second create changes nothing.
    await handler(event('Create'));
    expect(await admins('us-east-1')).toEqual([EXISTING, ROLE]);
  });

  test('delete removes only the role itself', async () => {
    await lf('us-east-1').send(new PutDataLakeSettingsCommand({ DataLakeSettings: { DataLakeAdmins: [{ DataLakePrincipalIdentifier: EXISTING }] } }));
    await handler(event('Create'));
    await handler(event('Delete', { PhysicalResourceId: `lake-replica-admin:${ROLE}` }));
    expect(responses.map(r => r.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(await admins('us-east-1')).toEqual([EXISTING]);
    expect(await admins('us-west-2')).toEqual([]);
  });

  test('update that drops a Region removes the role there only', async () => {
    await handler(event('Create'));
    await handler(event('Update', {
      ResourceProperties: { PrincipalArn: ROLE, Regions: ['us-east-1'] },
      OldResourceProperties: { PrincipalArn: ROLE, Regions: REGIONS },
    }));
    expect(await admins('us-east-1')).toEqual([ROLE]);
    expect(await admins('us-west-2')).toEqual([]);
  });

  test('a failure is reported to CloudFormation as FAILED with the reason', async () => {
    await handler(event('Create', { ResourceProperties: { PrincipalArn: ROLE, Regions: ['not-a-region-9'] } }));
    expect(responses[0].Status).toBe('FAILED');
    expect(responses[0].Reason).toMatch(/could not add the replicator role as a Lake Formation data lake admin/);
  });
});
