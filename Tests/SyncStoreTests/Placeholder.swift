import Testing

@Test func placeholderSyncStoreTests() {}
