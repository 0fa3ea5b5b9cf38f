import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LEDGER } from '../../../src/shared/realtime-settings';

export const LEDGER_TABLE = 'lake-replica-ledger';

/** The ledger as the construct creates it: key, sparse FAILED index, NEW_IMAGE stream. */
export async function createLedgerTable(dynamodb: DynamoDBClient, name = LEDGER_TABLE): Promise<void> {
  await dynamodb.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: LEDGER.partitionKey, AttributeType: 'S' },
      { AttributeName: LEDGER.failedIndexKey, AttributeType: 'S' },
      { AttributeName: LEDGER.failedIndexSortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: LEDGER.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{
      IndexName: LEDGER.failedIndex,
      KeySchema: [{ AttributeName: LEDGER.failedIndexKey, KeyType: 'HASH' }, { AttributeName: LEDGER.failedIndexSortKey, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  }));
}
