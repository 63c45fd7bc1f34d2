import Testing

@Test func placeholderSalesforceEmulatorTests() {}
