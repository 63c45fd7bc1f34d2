import Testing

@Test func placeholderSchemaTests() {}
