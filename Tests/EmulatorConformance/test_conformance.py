"""simple-salesforce (an independent, widely used client) against the emulator over HTTPS.

Run through run.sh, which sets EMULATOR_URL and EMULATOR_CA and starts the emulator.
"""
import datetime as dt
import os

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

URL = os.environ["EMULATOR_URL"]
CA = os.environ["EMULATOR_CA"]


@pytest.fixture(scope="module")
def session():
    s = requests.Session()
    s.verify = CA
    return s


@pytest.fixture(scope="module")
def token(session):
    r = session.post(f"{URL}/services/oauth2/token", data={
        "grant_type": "refresh_token", "client_id": "conformance-client", "refresh_token": "conformance-refresh"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["instance_url"] == URL and "expires_in" not in body
    return body["access_token"]


@pytest.fixture(scope="module")
def sf(session, token):
    return Salesforce(instance_url=URL, session_id=token, version="62.0", session=session)


def test_refresh_with_an_unknown_token_is_invalid_grant(session):
    r = session.post(f"{URL}/services/oauth2/token", data={
        "grant_type": "refresh_token", "client_id": "conformance-client", "refresh_token": "nope"})
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_grant", "error_description": "expired access/refresh token"}


def test_describe_and_global_describe(sf):
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert {"Task", "Event", "Contact", "Lead", "Account", "Opportunity"} <= names
    fields = {f["name"]: f for f in sf.Task.describe()["fields"]}
    assert fields["Synclog_Key__c"]["externalId"] is True
    assert "Type" not in fields


def test_create_get_update_delete(sf):
    created = sf.Contact.create({"LastName": "Conformance", "Email": "c@x.com", "AccountId": "001000000000001AAA"})
    assert created["success"] is True and len(created["id"]) == 18 and created["id"].startswith("003")
    got = sf.Contact.get(created["id"])
    assert got["LastName"] == "Conformance" and got["Name"] == "Conformance"
    assert sf.Contact.update(created["id"], {"Title": "CTO"}) == 204
    assert sf.Contact.get(created["id"])["Title"] == "CTO"
    assert sf.Contact.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound) as err:
        sf.Contact.get(created["id"])
    assert err.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_upsert_by_external_id(sf):
    assert sf.Task.upsert("Synclog_Key__c/conf-1", {"Subject": "First", "WhoId": "003000000000001AAA"}) == 201
    assert sf.Task.upsert("Synclog_Key__c/conf-1", {"Subject": "Second"}) == 200
    rows = sf.query("SELECT Id, Subject FROM Task WHERE Synclog_Key__c = 'conf-1'")["records"]
    assert [r["Subject"] for r in rows] == ["Second"]


def test_error_bodies_reach_the_client(sf):
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.Task.create({"Subject": "Bounced: x"})
    assert err.value.content == [{"message": "Bounces are not logged here", "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "fields": []}]
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.query("SELECT FROM Contact")
    assert err.value.content[0]["errorCode"] == "MALFORMED_QUERY"


def test_collections_create_upsert_delete(sf):
    records = [{"attributes": {"type": "Task"}, "Synclog_Key__c": f"coll-{i}", "Subject": f"Sent {i}", "Status": "Completed"}
               for i in range(200)]
    result = sf.restful("composite/sobjects/Task/Synclog_Key__c", method="PATCH",
                        json={"allOrNone": False, "records": records})
    assert len(result) == 200 and all(r["success"] and r["created"] for r in result)
    again = sf.restful("composite/sobjects/Task/Synclog_Key__c", method="PATCH", json={"allOrNone": False, "records": records})
    assert all(r["success"] and not r["created"] for r in again)
    made = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": [
        {"attributes": {"type": "Contact"}, "LastName": "A"}, {"attributes": {"type": "Contact"}, "LastName": "B"}]})
    ids = [r["id"] for r in made]
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids), "allOrNone": "false"})
    assert [d["id"] for d in deleted] == ids and all(d["success"] for d in deleted)


def test_query_with_pagination(sf):
    records = [{"attributes": {"type": "Contact"}, "LastName": f"Page{i:04d}"} for i in range(200)]
    for _ in range(3):
        assert all(r["success"] for r in sf.restful("composite/sobjects", method="POST", json={"records": records}))
    first = sf.query("SELECT Id, LastName, Account.Name FROM Contact WHERE LastName LIKE 'Page%' ORDER BY LastName",
                     headers={"Sforce-Query-Options": "batchSize=200"})
    assert first["totalSize"] == 600 and first["done"] is False and len(first["records"]) == 200
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/")
    everything = sf.query_all("SELECT Id, LastName FROM Contact WHERE LastName LIKE 'Page%'")
    assert everything["totalSize"] == 600 and len(everything["records"]) == 600
    ids = [r["Id"] for r in everything["records"]]
    assert len(set(ids)) == 600


def test_updated_and_deleted(sf, session):
    created = sf.Contact.create({"LastName": "Replicated"})
    kept = sf.Contact.create({"LastName": "Replicated too"})
    sf.Contact.delete(created["id"])
    # Windows end at a whole minute (seconds ignored): move the emulator's clock past this one.
    clock = session.post(f"{URL}/__emulator/clock", json={"advanceSeconds": 120}).json()
    now = dt.datetime.strptime(clock["now"], "%Y-%m-%dT%H:%M:%S.%f%z")
    start = now - dt.timedelta(minutes=10)
    updated = sf.Contact.updated(start, now)
    assert kept["id"] in updated["ids"] and created["id"] not in updated["ids"]
    assert updated["latestDateCovered"].endswith(":00.000+0000")
    deleted = sf.Contact.deleted(start, now)
    assert created["id"] in [d["id"] for d in deleted["deletedRecords"]]
    assert deleted["earliestDateAvailable"].endswith("+0000")
    everything = sf.query_all("SELECT Id FROM Contact WHERE LastName = 'Replicated'", include_deleted=True)
    assert everything["totalSize"] == 1


def test_limits_and_api_usage(sf):
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] == 15000
    assert 0 < limits["DailyApiRequests"]["Remaining"] < 15000
    usage = sf.api_usage["api-usage"]
    assert usage.total == 15000 and usage.used > 0
