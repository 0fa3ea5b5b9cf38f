import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Each handler's bundle (built by `npx projen bundle`) carries only the service clients its code uses.
 * STS is left out of the check: the SDK's default credential chain bundles its own STS client everywhere.
 */
const SERVICE_CLIENTS = ['CloudTrailClient', 'DynamoDBClient', 'GlueClient', 'LakeFormationClient', 'S3Client'];

const EXPECTED: Record<string, string[]> = {
  'applier.lambda': ['DynamoDBClient', 'GlueClient', 'LakeFormationClient', 'S3Client'],
  'finalize.lambda': ['GlueClient', 'LakeFormationClient', 'S3Client'],
  'item.lambda': ['GlueClient', 'LakeFormationClient', 'S3Client'],
  'lake-formation-admin.lambda': ['LakeFormationClient'],
  'poller.lambda': ['CloudTrailClient', 'DynamoDBClient'],
  'resolve.lambda': ['GlueClient', 'LakeFormationClient', 'S3Client'],
};

const HANDLERS = join(__dirname, '..', '..', 'assets', 'handlers');

test('every handler is bundled and checked here', () => {
  expect(readdirSync(HANDLERS).sort()).toEqual(Object.keys(EXPECTED).sort());
});

test.each(Object.entries(EXPECTED))('the %s bundle carries only the clients it uses', (handler, clients) => {
  const code = readFileSync(join(HANDLERS, handler, 'index.js'), 'utf8');
  const bundled = SERVICE_CLIENTS.filter(name => new RegExp(`\\b${name}\\b`).test(code));
  expect(bundled).toEqual(clients);
});
