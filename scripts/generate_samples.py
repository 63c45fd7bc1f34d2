#!/usr/bin/env python3
"""Generate Synclog sample data: a workspace configuration, Salesforce records and activities.

Deterministic: the same --seed gives byte-identical files. Nothing is hand-written:
every record and activity comes from the functions below, which larger workloads
can import and call (generate_workspace, generate_records, generate_activities).

  python3 scripts/generate_samples.py                      # Samples/ (the checked-in sample)
  python3 scripts/generate_samples.py --activities 100000 --records 20000 --seed 7 --out /tmp/big

Writes DIR/workspace.json (contract section 2), DIR/changes.jsonl (section 3,
source "import") and DIR/activities.jsonl (section 1). The activities cover every
type and the interesting cases: sequences, BCC, system addresses (X1), internal
addresses (X2), unresolved recipients (R5), several recipients (H), Outlook opens
without a recipient (X6), a duplicate delivery (D1, once identical, once with a
different body), meetings with two workspace users (D4/E3), recurring events and
other calendars (X7).
"""
import argparse
import datetime as dt
import json
import os
import random

WORKSPACE = "acme"
INTERNAL_DOMAINS = ["acme.com", "acme.io"]
SYSTEM_LOCAL_PARTS = ["noreply", "no-reply", "notifications", "mailer-daemon", "support", "info"]
FIRST = ["Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia",
         "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoë", "José", "Chloé", "Søren", "Mei", "Aiko"]
LAST = ["Li", "Smith", "Garcia", "Müller", "Okafor", "Tanaka", "Kowalski", "Dubois", "Rossi", "Nguyen", "Jensen",
        "O'Brien", "Silva", "Haddad", "Novak", "Fischer"]
COMPANIES = ["Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent",
             "Wonka", "Acme Widgets", "Oceanic", "Massive Dynamic", "Pied Piper", "Dunder Mifflin"]
SUBJECTS = ["Pricing for 2027", "Checking in", "Quick question", "Renewal options", "Follow-up from our call",
            "Contract draft", "Intro: {company} x Acme", "Re: onboarding plan", "Your trial ends Friday",
            "Agenda for Thursday", "Proposal — revised", "Security questionnaire", "Q4 roadmap preview"]
SEQUENCES = [("seq_q4", "Q4 Renewals"), ("seq_new", "New Logo Outreach"), ("seq_trial", "Trial Nurture")]
STAGES = [("Prospecting", False), ("Qualification", False), ("Proposal/Price Quote", False), ("Negotiation/Review", False),
          ("Closed Won", True), ("Closed Lost", True)]
EPOCH = dt.datetime(2026, 11, 16, 8, 0, 0, tzinfo=dt.timezone.utc)


def sfid(prefix, n):
    """An 18-character Salesforce-style id: key prefix, counter, AAA."""
    return "%s%012dAAA" % (prefix, n)


def slug(text):
    return "".join(c for c in text.lower().replace(" ", "") if c.isalnum() and c.isascii()) or "co"


def ascii_local(first, last):
    table = str.maketrans({"ë": "e", "é": "e", "ü": "u", "ø": "o", "Ø": "o", "'": ""})
    return ("%s.%s" % (first, last)).lower().translate(table).replace(" ", "")


def iso(t, offset_minutes=0):
    """RFC 3339 at the given UTC offset, whole seconds."""
    if offset_minutes == 0:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    local = t + dt.timedelta(minutes=offset_minutes)
    sign = "-" if offset_minutes < 0 else "+"
    m = abs(offset_minutes)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + "%s%02d:%02d" % (sign, m // 60, m % 60)


def sf_stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def generate_workspace(rng, users=4):
    """The workspace configuration: two roles, `users` users (3-5 is realistic), internal domains, exclusions."""
    names = [("alice", "Alice Ng", "America/Los_Angeles", "sales"), ("ben", "Ben Okoro", "America/New_York", "sales"),
             ("chen", "Chen Wei", "Europe/London", "sdr"), ("dana", "Dana Cruz", "America/Chicago", "sdr"),
             ("emil", "Emil Berg", "Europe/Stockholm", "sales")]
    people = []
    for i in range(users):
        key, _, tz, role = names[i % len(names)]
        if i >= len(names):
            key = "%s%d" % (key, i)
        people.append({"id": "u_%s" % key, "email": "%s@acme.com" % key, "salesforceUserId": sfid("005", i + 1),
                       "role": role, "timeZone": tz,
                       "settings": {"log": {"opened": False}} if key == "dana" else None})
    full = {"sent": True, "received": True, "opened": True, "replied": True, "clicked": True, "downloaded": True,
            "bounced": True, "meetings": True, "tasks": True}
    return {
        "workspace": WORKSPACE,
        "internalDomains": INTERNAL_DOMAINS,
        "excludedAddresses": ["ceo-personal@gmail.com"],
        "excludedDomains": ["partner-agency.com"],
        "systemLocalParts": None,
        "defaultRole": "sales",
        "roles": {
            "sales": {"log": full, "firstOnly": True, "syncUnresolved": False, "syncAllMessages": False,
                      "relatedObjects": {"standard": True, "onlyOwnedOpportunities": False,
                                         "allAccountOpportunities": False, "closedOpportunities": False,
                                         "rollupToPrimaryAccount": False,
                                         "custom": [{"object": "Project__c", "lookupFields": ["Contact__c"]}]},
                      "membersManageOwnSettings": False},
            "sdr": {"log": dict(full, received=False, meetings=False), "firstOnly": False, "syncUnresolved": True,
                    "syncAllMessages": True,
                    "relatedObjects": {"standard": True, "onlyOwnedOpportunities": True,
                                       "allAccountOpportunities": False, "closedOpportunities": False,
                                       "rollupToPrimaryAccount": False, "custom": []},
                    "membersManageOwnSettings": True},
        },
        "users": people,
        "salesforce": {"instanceUrl": "https://127.0.0.1:8443", "loginUrl": "https://127.0.0.1:8443", "sandbox": False,
                       "apiVersion": "62.0",
                       "auth": {"kind": "refreshToken", "clientId": "synclog-demo",
                                "refreshTokenFile": "secrets/salesforce-refresh-token"},
                       "syncKeyField": "Synclog_Key__c", "activityDateTimeField": "MixmaxActivityDateTime__c",
                       "apiReservePercent": 20},
        "schedule": {"pollMinutes": 30, "sweepDays": 7, "describeAt": "00:00 America/Los_Angeles"},
        "server": {"listen": "127.0.0.1:8080", "ingestTokenFile": "secrets/ingest-token",
                   "realtimeTokenFile": "secrets/realtime-token"},
    }


def generate_records(rng, workspace, n_records=120):
    """Salesforce records as section 3 changes (source "import"), in dependency order.

    Returns (changes, directory) where directory lists the people an activity can
    be addressed to: {"contacts": [...], "leads": [...], "accounts": [...]}.
    About n_records records are made: ~12% accounts, ~50% contacts, ~15% leads,
    ~10% opportunities and contact roles for them, plus one User per workspace user.
    """
    t = EPOCH - dt.timedelta(days=30)
    changes = []

    def change(obj, record):
        nonlocal t
        t += dt.timedelta(seconds=rng.randint(5, 600))
        record = dict(record)
        record["SystemModstamp"] = sf_stamp(t)
        changes.append({"object": obj, "changeType": "CREATE", "record": record, "source": "import",
                        "commitTimestamp": iso(t)})

    for i, u in enumerate(workspace["users"]):
        change("User", {"Id": u["salesforceUserId"], "Username": u["email"], "Email": u["email"], "IsActive": True})
    owners = [u["salesforceUserId"] for u in workspace["users"]]

    n_accounts = max(2, n_records * 12 // 100)
    n_contacts = max(4, n_records * 50 // 100)
    n_leads = max(2, n_records * 15 // 100)
    n_opps = max(2, n_records * 10 // 100)
    accounts = []
    for i in range(n_accounts):
        name = COMPANIES[i % len(COMPANIES)] + ("" if i < len(COMPANIES) else " %d" % (i // len(COMPANIES) + 1))
        domain = slug(name) + rng.choice([".com", ".io", ".co.uk"])
        acc = {"Id": sfid("001", i + 1), "Name": name, "Website": "https://" + domain, "OwnerId": rng.choice(owners)}
        accounts.append((acc, domain))
        change("Account", acc)
    contacts = []
    used = set()
    for i in range(n_contacts):
        acc, domain = accounts[i % len(accounts)] if rng.random() > 0.08 else (None, "gmail.com")
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = ascii_local(first, last)
        email = "%s@%s" % (local, domain)
        k = 2
        while email in used:
            email = "%s%d@%s" % (local, k, domain)
            k += 1
        used.add(email)
        c = {"Id": sfid("003", i + 1), "FirstName": first, "LastName": last,
             "Email": email.upper() if rng.random() < 0.03 else email,
             "AccountId": acc["Id"] if acc else None, "OwnerId": rng.choice(owners)}
        contacts.append(c)
        change("Contact", c)
    leads = []
    for i in range(n_leads):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(COMPANIES) + " Labs"
        email = "%s@%s.com" % (ascii_local(first, last), slug(company))
        k = 2
        while email in used:
            email = "%s%d@%s.com" % (ascii_local(first, last), k, slug(company))
            k += 1
        used.add(email)
        lead = {"Id": sfid("00Q", i + 1), "FirstName": first, "LastName": last, "Company": company, "Email": email,
                "IsConverted": False, "ConvertedContactId": None, "OwnerId": rng.choice(owners)}
        leads.append(lead)
        change("Lead", lead)
    # A Lead with the same email as a Contact (R2: the Contact wins).
    if contacts:
        twin = {"Id": sfid("00Q", n_leads + 1), "FirstName": contacts[0]["FirstName"], "LastName": contacts[0]["LastName"],
                "Company": "Duplicate Inc", "Email": contacts[0]["Email"], "IsConverted": False,
                "ConvertedContactId": None, "OwnerId": owners[0]}
        change("Lead", twin)
    opps = []
    for i in range(n_opps):
        acc, _ = accounts[i % len(accounts)]
        stage, closed = rng.choice(STAGES)
        close = (EPOCH + dt.timedelta(days=rng.randint(-20, 90))).strftime("%Y-%m-%d")
        o = {"Id": sfid("006", i + 1), "Name": "%s — %s" % (acc["Name"], rng.choice(["Renewal", "Expansion", "New"])),
             "AccountId": acc["Id"], "StageName": stage, "IsClosed": closed, "IsWon": stage == "Closed Won",
             "CloseDate": close, "Amount": rng.randint(5, 400) * 1000, "OwnerId": rng.choice(owners)}
        opps.append(o)
        change("Opportunity", o)
    role_n = 0
    for o in opps:
        members = [c for c in contacts if c["AccountId"] == o["AccountId"]]
        rng.shuffle(members)
        for j, c in enumerate(members[: rng.randint(1, 3)]):
            role_n += 1
            change("OpportunityContactRole", {"Id": sfid("00K", role_n), "OpportunityId": o["Id"], "ContactId": c["Id"],
                                              "IsPrimary": j == 0,
                                              "Role": rng.choice(["Decision Maker", "Economic Buyer", "Evaluator"])})
    return changes, {"contacts": contacts, "leads": leads, "accounts": [a for a, _ in accounts]}


def person(email, name=None):
    return {"email": email, "name": name}


def generate_activities(rng, workspace, directory, n_activities=300):
    """n_activities activities (JSON objects) over a week, covering every type and case; then one
    duplicate delivery (identical) and one with a different body (D1)."""
    users = workspace["users"]
    known = [(c["Email"].lower(), "%s %s" % (c["FirstName"], c["LastName"])) for c in directory["contacts"]]
    known += [(l["Email"], "%s %s" % (l["FirstName"], l["LastName"])) for l in directory["leads"]]
    unknown = ["prospect%d@%s.com" % (i, rng.choice(["nowhere-corp", "newco", "stealth-startup"])) for i in range(12)]
    system = ["%s@%s" % (lp, d) for lp in SYSTEM_LOCAL_PARTS for d in ("globex.com", "initech.com")]
    system += ["No-Reply+bounces@hooli.com"]
    internal = [u["email"] for u in users] + ["ops@acme.io"]
    excluded = ["ceo-personal@gmail.com", "jo@partner-agency.com"]
    tz_offset = {"America/Los_Angeles": -480, "America/New_York": -300, "America/Chicago": -360,
                 "Europe/London": 0, "Europe/Stockholm": 60}

    def recipient_pool():
        r = rng.random()
        if r < 0.70:
            return rng.choice(known)
        if r < 0.82:
            return (rng.choice(unknown), None)
        if r < 0.90:
            return (rng.choice(system), None)
        if r < 0.96:
            return (rng.choice(internal), None)
        return (rng.choice(excluded), None)

    t = EPOCH
    out = []
    sent = []  # (user, message) of sent emails, for tracking events
    counter = [0]

    def next_id():
        counter[0] += 1
        return "act_%05d" % counter[0]

    def envelope(kind, user, **extra):
        nonlocal t
        t += dt.timedelta(seconds=rng.randint(20, 1800))
        off = tz_offset.get(user["timeZone"], 0) if rng.random() < 0.3 else 0
        a = {"id": next_id(), "workspace": workspace["workspace"], "type": kind, "occurredAt": iso(t, off),
             "userId": user["id"]}
        a.update(extra)
        return a

    def new_message(user, reply_to=None):
        n_to = 1 if rng.random() < 0.7 else rng.randint(2, 4)
        to = [person(*recipient_pool()) for _ in range(n_to)]
        cc = [person(*recipient_pool()) for _ in range(rng.choice([0, 0, 0, 1]))]
        bcc = [person(*rng.choice(known))] if rng.random() < 0.1 else []
        if rng.random() < 0.05:
            bcc.append(person("crm-archive@acme.com"))
        company = rng.choice(COMPANIES)
        subject = rng.choice(SUBJECTS).replace("{company}", company)
        seq = None
        if rng.random() < 0.3:
            sid, sname = rng.choice(SEQUENCES)
            seq = {"id": sid, "name": sname, "stage": rng.randint(1, 5)}
        mid = "msg_%05d" % (counter[0] + 1)
        thread = reply_to["threadId"] if reply_to else "thr_%05d" % (counter[0] + 1)
        if reply_to:
            to, subject, seq = reply_to["to"], "Re: " + reply_to["subject"], reply_to.get("sequence")
        return {"id": mid, "threadId": thread, "rfc822Id": "<%s@mail.acme.com>" % mid, "subject": subject,
                "from": person(user["email"], user["id"][2:].title()), "to": to, "cc": cc, "bcc": bcc,
                "isReply": reply_to is not None, "sentWithProduct": rng.random() > 0.08,
                "client": rng.choice(["gmail", "gmail", "outlook"]), "sequence": seq}

    # Make sure every type appears early, then fill with a realistic mix.
    kinds = ["email.sent", "email.received", "email.opened", "email.clicked", "email.downloaded", "email.replied",
             "email.bounced", "meeting.confirmed", "meeting.canceled", "calendar.upserted", "calendar.deleted",
             "task.upserted", "call.logged"]
    weights = [30, 8, 22, 8, 3, 6, 2, 3, 1, 6, 1, 6, 4]
    plan = kinds + rng.choices(kinds, weights=weights, k=max(0, n_activities - len(kinds)))
    meetings = []
    for kind in plan[:n_activities]:
        user = rng.choice(users)
        if kind == "email.sent" or (kind.startswith("email.") and not sent):
            reply_to = rng.choice(sent)[1] if sent and rng.random() < 0.2 else None
            m = new_message(user, reply_to)
            sent.append((user, m))
            if kind != "email.sent":
                out.append(envelope("email.sent", user, message=m))
                kind_user, msg = user, m
            else:
                out.append(envelope("email.sent", user, message=m))
                continue
        if kind == "email.received":
            u, m = rng.choice(sent)
            who = m["to"][0]
            reply = dict(m, id="msg_in_%05d" % (counter[0] + 1), subject="Re: " + m["subject"], isReply=True,
                         **{"from": who, "to": [person(u["email"])], "cc": [], "bcc": []})
            out.append(envelope(kind, u, message=reply))
        elif kind in ("email.opened", "email.clicked", "email.downloaded", "email.replied", "email.bounced"):
            u, m = rng.choice(sent)
            extra = {"message": m}
            if kind in ("email.replied", "email.bounced") or len(m["to"]) == 1 or rng.random() > 0.4:
                extra["recipient"] = rng.choice(m["to"])
            # else: Outlook, no recipient (X6)
            if kind == "email.clicked":
                extra["url"] = rng.choice(["https://acme.com/pricing", "https://acme.com/case-studies/%s" % slug(
                    rng.choice(COMPANIES)), "https://calendly.example/acme-demo?utm_source=mixmax"])
            if kind == "email.downloaded":
                extra["fileName"] = rng.choice(["Acme pricing 2027.pdf", "Security overview.pdf", "Proposal v3.docx"])
            out.append(envelope(kind, u, **extra))
        elif kind in ("meeting.confirmed", "calendar.upserted"):
            start = (t + dt.timedelta(days=rng.randint(1, 10))).replace(minute=0, second=0)
            guests = [person(*rng.choice(known)) for _ in range(rng.randint(1, 3))]
            hosts = [user]
            if rng.random() < 0.3:
                other = rng.choice([u for u in users if u is not user] or [user])
                hosts.append(other)
            all_day = kind == "calendar.upserted" and rng.random() < 0.1
            mt = {"id": "evt_%05d" % (counter[0] + 1), "title": rng.choice(["Renewal call", "Demo", "Kickoff",
                                                                              "Pricing review", "QBR"]),
                  "start": iso(start.replace(hour=0) if all_day else start),
                  "end": iso(start.replace(hour=0) + dt.timedelta(days=1) if all_day else start + dt.timedelta(minutes=30)),
                  "allDay": all_day, "organizer": person(user["email"]),
                  "attendees": [person(h["email"]) for h in hosts] + guests,
                  "calendar": "primary" if rng.random() > 0.1 else "team-offsites",
                  "recurringEventId": "rec_%03d" % rng.randint(1, 5) if rng.random() < 0.1 else None,
                  "scheduledWithProduct": kind == "meeting.confirmed"}
            meetings.append((user, mt))
            out.append(envelope(kind, user, meeting=mt))
            if len(hosts) > 1:
                # The second workspace user sees the same calendar event (D4/E3).
                out.append(envelope("calendar.upserted", hosts[1], meeting=dict(mt, scheduledWithProduct=False)))
        elif kind in ("meeting.canceled", "calendar.deleted"):
            if not meetings:
                continue
            u, mt = rng.choice(meetings)
            if kind == "meeting.canceled":
                out.append(envelope(kind, u, meeting=dict(mt, scheduledWithProduct=True)))
            else:
                out.append(envelope(kind, u, meeting={"id": mt["id"]}))
        elif kind == "task.upserted":
            tk = rng.choice(["todo", "todo", "call", "linkedin_connect", "linkedin_inmail", "email"])
            who = rng.choice(known)
            task = {"id": "task_%05d" % (counter[0] + 1), "kind": tk,
                    "subject": {"todo": "Send the contract", "call": "Call about renewal",
                                "linkedin_connect": "Connect with %s" % who[1],
                                "linkedin_inmail": "InMail %s" % who[1], "email": "Draft follow-up"}[tk],
                    "status": rng.choice(["open", "completed"]),
                    "dueDate": (t + dt.timedelta(days=rng.randint(0, 7))).strftime("%Y-%m-%d"),
                    "stage": rng.randint(1, 4) if tk.startswith("linkedin") else None, "person": person(*who)}
            out.append(envelope(kind, user, task=task))
            if task["status"] == "open" and rng.random() < 0.5:
                # The same task completed later: the same Salesforce Task is updated (T3).
                out.append(envelope(kind, user, task=dict(task, status="completed")))
        elif kind == "call.logged":
            who = rng.choice(known)
            out.append(envelope(kind, user, call={
                "id": "call_%05d" % (counter[0] + 1), "person": person(*who),
                "phone": "+1 415 555 %04d" % rng.randint(0, 9999), "phoneField": rng.choice(["Phone", "Mobile"]),
                "durationSeconds": rng.randint(0, 1800),
                "disposition": rng.choice(["Connected", "Left voicemail", "No answer"]),
                "notes": rng.choice(["", "Wants pricing", "Call back next week"])}))
    out = out[:n_activities]
    # D1: the same activity delivered again, once identical and once with a different body.
    if len(out) >= 2:
        out.append(dict(out[0]))
        changed = dict(out[1])
        changed["redelivery"] = {"attempt": 2}
        out.append(changed)
    return out


def write_jsonl(path, items):
    with open(path, "w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")


def main():
    parser = argparse.ArgumentParser(description="Generate Synclog sample data (deterministic).")
    parser.add_argument("--activities", type=int, default=300, help="number of activities (plus 2 duplicate deliveries)")
    parser.add_argument("--records", type=int, default=120, help="approximate number of Salesforce records")
    parser.add_argument("--users", type=int, default=4, help="workspace users (3-5 is realistic)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Samples"),
                        help="output directory (default: the repository's Samples/)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    workspace = generate_workspace(rng, users=args.users)
    changes, directory = generate_records(rng, workspace, args.records)
    activities = generate_activities(rng, workspace, directory, args.activities)
    with open(os.path.join(args.out, "workspace.json"), "w", encoding="utf-8") as f:
        json.dump(workspace, f, ensure_ascii=False, indent=2)
        f.write("\n")
    write_jsonl(os.path.join(args.out, "changes.jsonl"), changes)
    write_jsonl(os.path.join(args.out, "activities.jsonl"), activities)
    print("wrote %d changes and %d activities to %s" % (len(changes), len(activities), args.out))


if __name__ == "__main__":
    main()
