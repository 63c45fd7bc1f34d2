import Testing

@Test func placeholderSyncDomainTests() {}
