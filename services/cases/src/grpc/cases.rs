//! Cases: a lead, filing, declining, terminating; reads, history and its
//! verification.

use fazhi_platform::{
    Code, Error,
    auth::{self, Permission},
    paging, text, time,
};
use fazhi_proto::cases::v1 as pb;
use serde_json::json;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, NewLead};
use crate::store::Step;

/// Officers named in one request, bounded before any is asked about.
const MAX_OFFICERS_READ: usize = domain::MAX_OFFICERS;

pub(super) async fn create_lead(
    api: &CasesApi,
    request: Request<pb::CreateLeadRequest>,
) -> Result<Response<pb::CreateLeadResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let request = request.into_inner();
    let id = match text::request_id(&request.request_id)? {
        Some(request_id) => id_for_request("lead", &request_id),
        None => new_id(),
    };
    let r = request.lead.unwrap_or_default();
    let party = r.party.unwrap_or_default();
    let day = |field: &str, value: Option<&fazhi_proto::common::v1::Date>| {
        value
            .map(|d| time::date_from_proto(field, Some(d)))
            .transpose()
    };
    let lead = domain::new_lead(
        NewLead {
            division_code: r.division_code,
            source: case_source("source", r.source)?,
            complaint_id: Some(r.complaint_id),
            party_kind: party_kind("party.kind", party.kind)?,
            party_name: party.name,
            party_id_number: party.id_number,
            party_address: party.address,
            facts: r.facts,
            act_on: day("act_on", r.act_on.as_ref())?,
            continuing: r.continuing,
            act_ended_on: day("act_ended_on", r.act_ended_on.as_ref())?,
            serious_harm: r.serious_harm,
            discovered_on: day("discovered_on", r.discovered_on.as_ref())?,
        },
        id,
        api.clock.today(),
    )?;
    caller.check_writes("division_code", &lead.division)?;
    let detail = json!({
        "source": lead.source.code(),
        "complaint_id": lead.complaint_id,
        "act_on": lead.act_on.to_string(),
        "discovered_on": lead.discovered_on.to_string(),
    })
    .to_string();
    let (case, created) = api
        .store
        .insert_lead(
            &lead,
            Step {
                actor: &caller.subject,
                kind: "lead_recorded",
                detail,
            },
        )
        .await?;
    if !caller.sees(&case.division) {
        // A complaint escalated before, to a division the caller cannot see.
        return Err(Error::not_found("case").into());
    }
    if created {
        tracing::debug!(case = %case.id, division = %case.division, "lead recorded");
    }
    Ok(Response::new(pb::CreateLeadResponse {
        case: Some(case_proto(&case)),
        created,
    }))
}

pub(super) async fn get_case(
    api: &CasesApi,
    request: Request<pb::GetCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let case = api.case_in_scope(&caller, &request.into_inner().id).await?;
    Ok(Response::new(case_proto(&case)))
}

/// Complaints asked about in one `ListLeadsOfComplaints` call at most.
const MAX_COMPLAINTS_ASKED: usize = 500;

pub(super) async fn list_leads_of_complaints(
    api: &CasesApi,
    request: Request<pb::ListLeadsOfComplaintsRequest>,
) -> Result<Response<pb::ListLeadsOfComplaintsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let ids = request.into_inner().complaint_ids;
    if ids.len() > MAX_COMPLAINTS_ASKED {
        return Err(Error::invalid_field(
            "complaint_ids",
            Code::TooManyValues,
            format!("at most {MAX_COMPLAINTS_ASKED} complaints a call"),
        )
        .into());
    }
    // An id no record could have has no lead either.
    let asked: Vec<String> = ids
        .into_iter()
        .filter(|id| Error::lookup_id("complaint", id).is_ok())
        .collect();
    let leads = api.store.leads_of_complaints(&asked).await?;
    Ok(Response::new(pb::ListLeadsOfComplaintsResponse {
        leads: leads
            .into_iter()
            .filter(|lead| caller.sees(&lead.division))
            .map(|lead| pb::LeadOfComplaint {
                complaint_id: lead.complaint_id,
                case_id: lead.case_id,
            })
            .collect(),
    }))
}

pub(super) async fn list_cases(
    api: &CasesApi,
    request: Request<pb::ListCasesRequest>,
) -> Result<Response<pb::ListCasesResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let status = case_status("status", r.status)?;
    let (limit, after) = paging::page(r.page_size, &r.page_token)?;
    let mut cases = api
        .store
        .list_cases(&scope, status, &after, limit + 1)
        .await?;
    let next_page_token = paging::cut(&mut cases, limit, |c| vec![c.id.clone()]);
    Ok(Response::new(pb::ListCasesResponse {
        cases: cases.iter().map(case_proto).collect(),
        next_page_token,
    }))
}

/// What filing and a decision on the spot both read: the officers named
/// (bounded and shaped like ids), the case at its version with the party's
/// number when given now, and the power item cited; then — once the case
/// itself allows it — each officer's answer from the training service.
pub(super) struct Filing {
    pub case: Case,
    pub lead: Case,
    pub item: crate::domain::PowerItem,
    pub answers: Vec<(String, domain::Certification)>,
    pub on: chrono::NaiveDate,
}

pub(super) async fn filing(
    api: &CasesApi,
    caller: &auth::Caller,
    (case_id, version): (&str, i64),
    officer_ids: &[String],
    power_item_code: &str,
    party_id_number: &str,
    on: Option<&fazhi_proto::common::v1::Date>,
) -> Result<Filing, Error> {
    if officer_ids.len() > MAX_OFFICERS_READ {
        return Err(Error::invalid_field(
            "officer_ids",
            Code::TooManyValues,
            format!("at most {MAX_OFFICERS_READ} officers are assigned to a case"),
        ));
    }
    if let Some(bad) = officer_ids
        .iter()
        .find(|id| id.is_empty() || id.len() > MAX_ID_LEN)
    {
        return Err(Error::invalid_field(
            "officer_ids",
            Code::InvalidPersonId,
            format!("officer {bad:?} is not a person id"),
        ));
    }
    let on = day_or_today("on", on, api.clock.today())?;
    let case = api.case_at(caller, case_id, version).await?;
    let mut lead = case.clone();
    if !party_id_number.is_empty() {
        lead.party.id_number = domain::check_party_id(case.party.kind, party_id_number)?;
    }
    let code = fazhi_platform::text::required(
        "power_item_code",
        power_item_code,
        40,
        fazhi_platform::text::Lines::One,
    )?;
    let item = api.store.power_item_by_code(&code).await?.ok_or_else(|| {
        Error::invalid_field(
            "power_item_code",
            Code::UnknownPowerItem,
            format!("no power item has the code {code}"),
        )
    })?;
    // Everything the case itself decides, before the training service is asked.
    domain::check_fileable(&lead, &item, on, api.clock.today())?;
    let answers = api
        .certified(caller, &case, officer_ids, item.category, on)
        .await?;
    Ok(Filing {
        case,
        lead,
        item,
        answers,
        on,
    })
}

pub(super) async fn file_case(
    api: &CasesApi,
    request: Request<pb::FileCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let mut f = filing(
        api,
        &caller,
        (&r.case_id, r.version),
        &r.officer_ids,
        &r.power_item_code,
        &r.party_id_number,
        r.on.as_ref(),
    )
    .await?;
    if let Some(address) = fazhi_platform::text::optional(
        "party_address",
        Some(&r.party_address),
        200,
        fazhi_platform::text::Lines::One,
    )? {
        f.lead.party.address = address;
    }
    let filed = domain::file(
        &f.lead,
        &f.item,
        &f.answers,
        r.major,
        f.on,
        api.clock.today(),
    )?;
    let detail = json!({
        "power_item_code": f.item.code,
        "category": f.item.category.code(),
        "officer_ids": filed.officers,
        "filed_on": f.on.to_string(),
        "major": r.major,
    });
    let saved = api
        .record(&caller, &f.case, &filed, "filed", detail)
        .await?;
    Ok(Response::new(case_proto(&saved)))
}

/// One of the steps that end a lead or a case with a reason.
async fn end_with_reason(
    api: &CasesApi,
    caller: &auth::Caller,
    (id, version, reason, on): (&str, i64, &str, Option<&fazhi_proto::common::v1::Date>),
    kind: &str,
    step: fn(&Case, chrono::NaiveDate, chrono::NaiveDate) -> Result<Case, Error>,
) -> Result<Case, Error> {
    caller.require(Permission::CaseDecide)?;
    let reason = domain::check_reason(reason)?;
    let on = day_or_today("on", on, api.clock.today())?;
    let case = api.case_at(caller, id, version).await?;
    let after = step(&case, on, api.clock.today())?;
    let detail = json!({ "reason": reason, "on": on.to_string() });
    api.record(caller, &case, &after, kind, detail).await?;
    Ok(after)
}

pub(super) async fn decline_lead(
    api: &CasesApi,
    request: Request<pb::DeclineLeadRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    let r = request.into_inner();
    let case = end_with_reason(
        api,
        &caller,
        (&r.case_id, r.version, &r.reason, r.on.as_ref()),
        "declined",
        domain::decline,
    )
    .await?;
    Ok(Response::new(case_proto(&case)))
}

pub(super) async fn terminate_case(
    api: &CasesApi,
    request: Request<pb::TerminateCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    let r = request.into_inner();
    let case = end_with_reason(
        api,
        &caller,
        (&r.case_id, r.version, &r.reason, r.on.as_ref()),
        "terminated",
        domain::terminate,
    )
    .await?;
    Ok(Response::new(case_proto(&case)))
}

pub(super) async fn get_case_history(
    api: &CasesApi,
    request: Request<pb::GetCaseHistoryRequest>,
) -> Result<Response<pb::CaseHistory>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let case = api
        .case_in_scope(&caller, &request.into_inner().case_id)
        .await?;
    let events = api.store.events(&case.id).await?;
    Ok(Response::new(pb::CaseHistory {
        events: events.iter().map(event_proto).collect(),
    }))
}

pub(super) async fn verify_case_history(
    api: &CasesApi,
    request: Request<pb::VerifyCaseHistoryRequest>,
) -> Result<Response<pb::HistoryVerification>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let case = api
        .case_in_scope(&caller, &request.into_inner().case_id)
        .await?;
    let events = api.store.events(&case.id).await?;
    let seal = api.store.history_seal(&case.id).await?;
    let verified = domain::verify(
        &events,
        api.store.history_key(),
        seal.as_ref(),
        case.status.code(),
    );
    let answer = match verified {
        Ok(()) => pb::HistoryVerification {
            intact: true,
            events: events.len() as i64,
            first_broken_seq: 0,
            reason: String::new(),
        },
        Err(broken) => {
            tracing::warn!(case = %case.id, seq = broken.seq, reason = broken.reason, "case history broken");
            pb::HistoryVerification {
                intact: false,
                events: events.len() as i64,
                first_broken_seq: broken.seq,
                reason: broken.reason.to_owned(),
            }
        }
    };
    Ok(Response::new(answer))
}
