/** The DynamoDB table's key layout: shared by the repository adapter and the CDK stack, so they cannot drift. */
export const INVOICE_TABLE = {
  partitionKey: 'id',
  customerIndex: { name: 'byCustomer', partitionKey: 'customerId', sortKey: 'issuedAt' },
} as const;
