"""A county system's integration, written only against the Python client
generated from Fazhi's /openapi.json: log in, create an account and an API
key, push complaints with idempotency keys (a retry replays), page through
them, read one, read the oversight summary, record a person and a training
session, import a CSV list and download an export; as the county 12345
platform with an integration key bound to its source: push a ticket, find it
again by its number, follow the feed of its steps; read a certified answer and
download an annual report.

Usage: integration.py BASE_URL ADMIN_PASSWORD   (checked with mypy --strict)
"""

from __future__ import annotations

import datetime
import io
import sys
from typing import TypeVar

from fazhi_client import AuthenticatedClient, Client
from fazhi_client.api.accounts import create_account
from fazhi_client.api.api_keys import create_api_key
from fazhi_client.api.auth import get_me, log_in
from fazhi_client.api.complaints import (
    create_complaint,
    dispatch,
    get_complaint,
    list_complaint_events,
    list_complaints,
    push_complaints,
)
from fazhi_client.api.oversight import get_annual_report
from fazhi_client.api.oversight import get_oversight_summary
from fazhi_client.api.training import (
    create_person,
    export_list,
    import_people,
    is_certified,
    issue_certificate,
    list_people,
    record_exam,
    record_training,
)
from fazhi_client.models import (
    Account,
    Attendance,
    Channel,
    Complaint,
    CreateAccountRequest,
    CreateApiKeyRequest,
    CreateComplaintRequest,
    Certificate,
    ComplaintEventPage,
    CreatedApiKey,
    CreatePersonRequest,
    DispatchBody,
    Employment,
    Exam,
    ExamKind,
    ExamResult,
    FileFormat,
    ImportReport,
    IsCertifiedResponse,
    IssueCertificateRequest,
    ListComplaintsResponse,
    ListKind,
    ListPeopleResponse,
    LoginRequest,
    LoginResponse,
    Me,
    OversightSummary,
    Person,
    Problem,
    PushItem,
    PushRequest,
    PushResponse,
    RecordExamRequest,
    RecordTrainingRequest,
    ReportFormat,
    RequestType,
    Role,
    TrainingKind,
    TrainingSession,
)
from fazhi_client.types import UNSET, File, Unset

TOWNSHIP = "411624100"
T = TypeVar("T")


def expect(answer: T | Problem | None, kind: type[T], what: str) -> T:
    """The answer if it is a `kind`; a problem or nothing stops the run."""
    if isinstance(answer, kind):
        return answer
    if isinstance(answer, Problem):
        raise SystemExit(f"{what}: {answer.status} {answer.code}: {answer.detail}")
    raise SystemExit(f"{what}: no answer the document describes")


def id_number(serial: int) -> str:
    """A resident ID number (GB 11643) with its check character."""
    body = f"41162419900101{serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(digit) * weight for digit, weight in zip(body, weights))
    return body + "10X98765432"[total % 11]


def complaint(content: str) -> CreateComplaintRequest:
    return CreateComplaintRequest(
        channel=Channel.HOTLINE_12345,
        type_=RequestType.COMPLAINT,
        category="illegal_construction",
        content=content,
        address="西关村",
        division_code=TOWNSHIP,
        complainant_phone="13812341234",
    )


def main(base_url: str, admin_password: str) -> None:
    anonymous = Client(base_url=base_url)
    login = expect(
        log_in.sync(client=anonymous, body=LoginRequest(username="admin", password=admin_password)),
        LoginResponse,
        "log in",
    )
    admin = AuthenticatedClient(base_url=base_url, token=login.access_token)
    me = expect(get_me.sync(client=admin), Me, "me")
    assert me.subject == "account:admin", me.subject

    account = expect(
        create_account.sync(
            client=admin,
            body=CreateAccountRequest(
                username="laocheng.staff",
                password="a long integration password",
                roles=[Role.STAFF],
                division_code=TOWNSHIP,
            ),
        ),
        Account,
        "create an account",
    )
    assert account.username == "laocheng.staff"
    created = expect(
        create_api_key.sync(
            client=admin,
            body=CreateApiKeyRequest(
                name="county 12345 platform", roles=[Role.STAFF], division_code=TOWNSHIP
            ),
        ),
        CreatedApiKey,
        "create an API key",
    )
    assert isinstance(created.key, str), "the key is shown once, on creation"
    system = AuthenticatedClient(base_url=base_url, token=created.key)

    first = expect(
        create_complaint.sync(client=system, body=complaint("违法建房 1"), idempotency_key="push-1"),
        Complaint,
        "push a complaint",
    )
    retry = create_complaint.sync_detailed(
        client=system, body=complaint("违法建房 1"), idempotency_key="push-1"
    )
    replayed = expect(retry.parsed, Complaint, "retry the push")
    assert replayed.id == first.id, "a retry replays the first answer"
    assert retry.headers.get("idempotent-replayed") == "true", retry.headers
    for n in range(2, 6):
        expect(
            create_complaint.sync(
                client=system, body=complaint(f"违法建房 {n}"), idempotency_key=f"push-{n}"
            ),
            Complaint,
            f"push complaint {n}",
        )

    seen: list[str] = []
    token: str | Unset = UNSET
    while True:
        page = expect(
            list_complaints.sync(client=system, page_size=2, page_token=token),
            ListComplaintsResponse,
            "list complaints",
        )
        seen.extend(c.id for c in page.complaints)
        if not isinstance(page.next_page_token, str):
            break
        token = page.next_page_token
    assert len(seen) == 5 and len(set(seen)) == 5, seen
    one = expect(get_complaint.sync(first.id, client=system), Complaint, "read a complaint")
    assert one.tracking_code == first.tracking_code

    summary = expect(
        get_oversight_summary.sync(client=admin, division=TOWNSHIP),
        OversightSummary,
        "read the summary",
    )
    assert not summary.partial, summary.unavailable

    person = expect(
        create_person.sync(
            client=admin,
            body=CreatePersonRequest(
                division_code=TOWNSHIP,
                name="李四",
                id_number=id_number(1),
                unit="综合行政执法大队",
                employment=Employment.CIVIL_SERVANT,
                enforcement_post=True,
            ),
        ),
        Person,
        "record a person",
    )
    session = expect(
        record_training.sync(
            client=admin,
            body=RecordTrainingRequest(
                division_code=TOWNSHIP,
                topic="行政处罚法",
                kind=TrainingKind.IN_PERSON,
                held_on=datetime.date(2023, 6, 15),
                attendance=[Attendance(person_id=person.id, hours=3.5)],
            ),
        ),
        TrainingSession,
        "record a training session",
    )
    assert session.attendance[0].hours == 3.5

    rows = "\n".join(
        [
            "行政区划代码,姓名,身份证号,单位,人员类别,职级,科级以上,执法岗位",
            f"{TOWNSHIP},王五,{id_number(2)},综合行政执法大队,公务员,科员,否,是",
            f"{TOWNSHIP},赵六,{id_number(3)},综合行政执法大队,公务员,科员,否,是",
        ]
    )
    report = expect(
        import_people.sync(
            client=admin,
            body=File(payload=io.BytesIO(rows.encode()), file_name="people.csv"),
            format_=FileFormat.CSV,
            idempotency_key="people-import-1",
        ),
        ImportReport,
        "import a list",
    )
    assert (report.rows, report.imported, report.rejected) == (2, 2, []), report
    assert [imported.row for imported in report.people] == [2, 3], report.people
    people = expect(list_people.sync(client=admin), ListPeopleResponse, "list people")
    assert len(people.people) == 3, len(people.people)

    exported = expect(
        export_list.sync(ListKind.PEOPLE, client=admin, division=TOWNSHIP),
        File,
        "export a list",
    )
    content = exported.payload.read()
    assert content.startswith(b"PK"), "an .xlsx file"

    # A certified officer: qualified, trained, certificate issued; the answer
    # carries no reason (it is absent, not an empty string).
    expect(
        record_exam.sync(
            client=admin,
            body=RecordExamRequest(
                division_code=TOWNSHIP,
                kind=ExamKind.QUALIFICATION,
                title="执法资格考试",
                held_on=datetime.date(2023, 3, 1),
                results=[ExamResult(person_id=person.id, score=86.0)],
            ),
        ),
        Exam,
        "record an exam",
    )
    expect(
        issue_certificate.sync(
            client=admin,
            body=IssueCertificateRequest(
                person_id=person.id, number="豫执4116240001", issued_on=datetime.date(2023, 7, 1)
            ),
        ),
        Certificate,
        "issue a certificate",
    )
    certified = expect(
        is_certified.sync(person.id, client=admin, on=datetime.date(2023, 8, 1)),
        IsCertifiedResponse,
        "ask whether certified",
    )
    assert certified.certified and isinstance(certified.reason, Unset), certified
    report_file = expect(
        get_annual_report.sync(client=admin, division=TOWNSHIP, year=2023, format_=ReportFormat.DOCX),
        File,
        "download the annual report",
    )
    docx = report_file.payload.read()
    assert docx.startswith(b"PK"), "a .docx file"

    # The county 12345 platform: a key bound to its source.
    platform_key = expect(
        create_api_key.sync(
            client=admin,
            body=CreateApiKeyRequest(
                name="county 12345 platform",
                roles=[Role.INTEGRATION],
                division_code="411624",
                source="county_12345",
            ),
        ),
        CreatedApiKey,
        "create the platform's key",
    )
    assert isinstance(platform_key.key, str)
    platform = AuthenticatedClient(base_url=base_url, token=platform_key.key)
    pushed = expect(
        push_complaints.sync(
            client=platform,
            body=PushRequest(
                items=[
                    PushItem(
                        source="county_12345",
                        external_id="SQ2023110200001",
                        received_at=datetime.datetime(
                            2023, 11, 2, 1, 30, tzinfo=datetime.timezone.utc
                        ),
                        channel=Channel.HOTLINE_12345,
                        type_=RequestType.COMPLAINT,
                        category="illegal_construction",
                        content="西关村有人在耕地上违法建房",
                        address="老城镇西关村",
                        division_code=TOWNSHIP,
                    )
                ]
            ),
        ),
        PushResponse,
        "push a ticket",
    )
    assert pushed.created == 1, pushed
    found = expect(
        list_complaints.sync(
            client=platform, source="county_12345", external_id="SQ2023110200001"
        ),
        ListComplaintsResponse,
        "find the ticket again",
    )
    assert len(found.complaints) == 1 and found.complaints[0].external_id == "SQ2023110200001"
    ticket = found.complaints[0]
    expect(
        dispatch.sync(
            ticket.id, client=system, body=DispatchBody(version=ticket.version, unit=TOWNSHIP)
        ),
        Complaint,
        "dispatch the ticket",
    )
    feed = expect(
        list_complaint_events.sync(client=platform),
        ComplaintEventPage,
        "read the feed",
    )
    kinds = [event.kind for event in feed.events]
    assert kinds == ["dispatched"], kinds
    assert feed.caught_up, feed
    print(
        f"integration passed: {len(seen)} complaints paged, a retry replayed, "
        f"{report.imported} people imported, export of {len(content)} bytes, "
        f"a report of {len(docx)} bytes, the platform's ticket followed through the feed"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
