import Testing

@testable import Salesforce

@Suite("Error classification: the table of salesforce.md")
struct ErrorClassificationTests {
    @Test("every row of the table maps to its class", arguments: [
        ("INVALID_SESSION_ID", 401, "Session expired or invalid", ErrorClass.auth),
        ("REQUEST_LIMIT_EXCEEDED", 403, "TotalRequests Limit exceeded.", .quota),
        ("REQUEST_LIMIT_EXCEEDED", 403, "ConcurrentPerOrgLongTxn Limit exceeded.", .transient),
        ("UNABLE_TO_LOCK_ROW", 200, "unable to obtain exclusive access to this record", .transient),
        ("SERVER_UNAVAILABLE", 503, "Server unavailable", .transient),
        ("UNKNOWN_EXCEPTION", 500, "An unexpected error occurred", .transient),
        ("ALL_OR_NONE_OPERATION_ROLLED_BACK", 200, "Record rolled back because not all records were valid", .transient),
        ("INVALID_QUERY_LOCATOR", 400, "invalid query locator", .transient),
        ("FIELD_CUSTOM_VALIDATION_EXCEPTION", 200, "Bounces are not logged here", .permanentRecord),
        ("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", 200, "rollup failed", .permanentRecord),
        ("REQUIRED_FIELD_MISSING", 200, "Required fields are missing: [Status]", .permanentRecord),
        ("INVALID_FIELD", 400, "No such column 'Type' on sobject of type Task", .permanentRecord),
        ("STRING_TOO_LONG", 200, "Subject: data value too large", .permanentRecord),
        ("MALFORMED_ID", 200, "bad id", .permanentRecord),
        ("DUPLICATE_VALUE", 200, "duplicate value found", .permanentRecord),
        ("DUPLICATES_DETECTED", 200, "Use one of these records?", .permanentRecord),
        ("ENTITY_IS_DELETED", 200, "entity is deleted", .permanentRecord),
        ("INVALID_CROSS_REFERENCE_KEY", 200, "invalid cross reference id", .permanentRecord),
        ("INACTIVE_OWNER_OR_USER", 200, "operation performed with inactive user", .permanentRecord),
        ("CANNOT_UPDATE_CONVERTED_LEAD", 200, "cannot reference converted lead", .permanentRecord),
        ("NOT_FOUND", 404, "Provided external ID field does not exist or is not accessible", .permanentConfig),
        ("SOMETHING_NEW", 502, "Bad gateway", .transient),
    ])
    func classifies(_ code: String, _ status: Int, _ message: String, _ expected: ErrorClass) {
        #expect(ErrorClassifier.classify(errorCode: code, message: message, httpStatus: status) == expected)
    }

    @Test("W6: a deleted Who/What is recognised")
    func referencedRecordGone() {
        #expect(SalesforceFailure(errorCode: "ENTITY_IS_DELETED", message: "m", httpStatus: 200).referencedRecordGone)
        #expect(!SalesforceFailure(errorCode: "MALFORMED_ID", message: "m", httpStatus: 200).referencedRecordGone)
    }
}
