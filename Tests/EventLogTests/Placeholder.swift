import Testing

@Test func placeholderEventLogTests() {}
