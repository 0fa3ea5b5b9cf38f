import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LEDGER } from '../../../src/shared/realtime-settings';

export const LEDGER_TABLE = 'lake-replica-ledger';

/** The ledger as the construct creates it: key, sparse FAILED and PENDING indexes, NEW_IMAGE stream. */
export async function createLedgerTable(dynamodb: DynamoDBClient, name = LEDGER_TABLE): Promise<void> {
  await dynamodb.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: LEDGER.partitionKey, AttributeType: 'S' },
      { AttributeName: LEDGER.failedIndexKey, AttributeType: 'S' },
      { AttributeName: LEDGER.failedIndexSortKey, AttributeType: 'S' },
      { AttributeName: LEDGER.pendingIndexKey, AttributeType: 'S' },
      { AttributeName: LEDGER.pendingIndexSortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: LEDGER.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{
      IndexName: LEDGER.failedIndex,
      KeySchema: [{ AttributeName: LEDGER.failedIndexKey, KeyType: 'HASH' }, { AttributeName: LEDGER.failedIndexSortKey, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    }, {
      IndexName: LEDGER.pendingIndex,
      KeySchema: [{ AttributeName: LEDGER.pendingIndexKey, KeyType: 'HASH' }, { AttributeName: LEDGER.pendingIndexSortKey, KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [LEDGER.touchedAttribute, LEDGER.wakeUpsAttribute] },
    }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  }));
}
