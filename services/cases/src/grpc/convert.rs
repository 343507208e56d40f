//! Reading proto fields into checked values, and domain records into proto.
//! A proto enum value is the domain code in upper case behind the enum's
//! prefix (`CASE_SOURCE_INSPECTION` is `inspection`), the same mapping the
//! REST edge uses.

use fazhi_platform::{Code, Error, privacy, time};
use fazhi_proto::{cases::v1 as pb, common::v1 as common};

use chrono::NaiveDate;

use crate::domain::{
    Case, CaseSource, CaseStatus, DecisionKind, Event, OfficerChangeReason, OrderKind, PartyKind,
    Penalty, PowerItem, PowerKind, PowerSource, PreservationOutcome, Proceedings, Record,
    RecordKind, RecordStep, RecusalReason, ServiceMethod, SuspensionReason, WaiverKind,
    WithdrawReason,
};

fazhi_platform::proto_enum!(
    power_kind,
    power_kind_proto,
    PowerKind,
    pb::PowerKind,
    "POWER_KIND_"
);
fazhi_platform::proto_enum!(
    power_source,
    power_source_proto,
    PowerSource,
    pb::PowerSource,
    "POWER_SOURCE_"
);
pub(crate) use fazhi_platform::category::{from_proto as category, to_proto as category_proto};
fazhi_platform::proto_enum!(
    case_source,
    case_source_proto,
    CaseSource,
    pb::CaseSource,
    "CASE_SOURCE_"
);
fazhi_platform::proto_enum!(
    case_status,
    case_status_proto,
    CaseStatus,
    pb::CaseStatus,
    "CASE_STATUS_"
);
fazhi_platform::proto_enum!(
    party_kind,
    party_kind_proto,
    PartyKind,
    pb::PartyKind,
    "PARTY_KIND_"
);
fazhi_platform::proto_enum!(
    decision_kind,
    decision_kind_proto,
    DecisionKind,
    pb::DecisionKind,
    "DECISION_KIND_"
);
fazhi_platform::proto_enum!(
    service_method,
    service_method_proto,
    ServiceMethod,
    pb::ServiceMethod,
    "SERVICE_METHOD_"
);

fazhi_platform::proto_enum!(
    record_kind,
    record_kind_proto,
    RecordKind,
    pb::RecordKind,
    "RECORD_KIND_"
);
fazhi_platform::proto_enum!(
    record_step,
    record_step_proto,
    RecordStep,
    pb::RecordStep,
    "RECORD_STEP_"
);

pub(super) fn record_proto(r: &Record) -> pb::Record {
    pb::Record {
        id: r.id.clone(),
        case_id: r.case_id.clone(),
        kind: record_kind_proto(r.kind),
        step: record_step_proto(r.step),
        sha256: r.sha256.clone(),
        size_bytes: r.size_bytes,
        location: r.location.clone(),
        recorded_by: r.recorded_by.clone(),
        device: r.device.clone(),
        recorded_at: Some(time::to_timestamp(r.recorded_at)),
        content_stored_at: r.content_stored_at.map(time::to_timestamp),
    }
}

fazhi_platform::proto_enum!(
    withdraw_reason,
    withdraw_reason_proto,
    WithdrawReason,
    pb::WithdrawReason,
    "WITHDRAW_REASON_"
);

fazhi_platform::proto_enum!(
    officer_change_reason,
    officer_change_reason_proto,
    OfficerChangeReason,
    pb::OfficerChangeReason,
    "OFFICER_CHANGE_REASON_"
);

fazhi_platform::proto_enum!(
    order_kind,
    order_kind_proto,
    OrderKind,
    pb::OrderKind,
    "ORDER_KIND_"
);

/// The orders asked beside a decision: each kind known, at most one each.
pub(super) fn orders_from_proto(
    orders: &[pb::Order],
) -> Result<Vec<(OrderKind, Option<NaiveDate>)>, Error> {
    if orders.len() > 2 {
        return Err(Error::invalid_field(
            "orders",
            Code::TooManyValues,
            "a decision gives at most one order of each kind",
        ));
    }
    orders
        .iter()
        .map(|o| {
            let kind = order_kind("orders.kind", o.kind)?.ok_or_else(|| {
                Error::invalid_field("orders.kind", Code::Required, "an order names its kind")
            })?;
            let by =
                o.by.as_ref()
                    .map(|d| time::date_from_proto("orders.by", Some(d)))
                    .transpose()?;
            Ok((kind, by))
        })
        .collect()
}

fazhi_platform::proto_enum!(
    suspension_reason,
    suspension_reason_proto,
    SuspensionReason,
    pb::SuspensionReason,
    "SUSPENSION_REASON_"
);

fazhi_platform::proto_enum!(
    waiver_kind,
    waiver_kind_proto,
    WaiverKind,
    pb::WaiverKind,
    "WAIVER_KIND_"
);

fazhi_platform::proto_enum!(
    recusal_reason,
    recusal_reason_proto,
    RecusalReason,
    pb::RecusalReason,
    "RECUSAL_REASON_"
);

fazhi_platform::proto_enum!(
    preservation_outcome,
    preservation_outcome_proto,
    PreservationOutcome,
    pb::PreservationOutcome,
    "PRESERVATION_OUTCOME_"
);

/// The licence and business penalties with their proto values.
fn measures(p: &mut Penalty) -> [(&mut bool, pb::PenaltyMeasure); 7] {
    use pb::PenaltyMeasure as M;
    [
        (&mut p.suspend_licence, M::SuspendLicence),
        (&mut p.lower_qualification, M::LowerQualification),
        (&mut p.revoke_licence, M::RevokeLicence),
        (&mut p.restrict_business, M::RestrictBusiness),
        (&mut p.stop_business, M::StopBusiness),
        (&mut p.close, M::Close),
        (&mut p.restrict_practice, M::RestrictPractice),
    ]
}

pub(super) fn penalty_proto(p: &Penalty) -> Option<pb::Penalty> {
    let mut given = *p;
    Some(pb::Penalty {
        warning: p.warning,
        fine_fen: p.fine_fen,
        criticism: p.criticism,
        confiscated_fen: p.confiscated_fen,
        measures: measures(&mut given)
            .into_iter()
            .filter(|(on, _)| **on)
            .map(|(_, m)| m as i32)
            .collect(),
    })
}

/// A penalty as asked (none: nothing), an unknown or repeated measure refused.
pub(super) fn penalty_from_proto(p: Option<&pb::Penalty>) -> Result<Penalty, Error> {
    let Some(p) = p else {
        return Ok(Penalty::default());
    };
    let mut penalty = Penalty {
        warning: p.warning,
        fine_fen: p.fine_fen,
        criticism: p.criticism,
        confiscated_fen: p.confiscated_fen,
        ..Penalty::default()
    };
    let refused =
        |message: String| Error::invalid_field("penalty.measures", Code::UnknownCode, message);
    if p.measures.len() > 7 {
        return Err(refused("at most the seven measures, each once".into()));
    }
    for &given in &p.measures {
        let slot = measures(&mut penalty)
            .into_iter()
            .find(|(_, m)| *m as i32 == given && given != 0);
        match slot {
            Some((on, _)) if !*on => *on = true,
            Some(_) => return Err(refused(format!("measure {given} is given twice"))),
            None => return Err(refused(format!("{given} is no penalty measure"))),
        }
    }
    Ok(penalty)
}

fn day(d: NaiveDate) -> Option<common::Date> {
    time::date_to_proto(d)
}

fn approval_proto(a: &crate::domain::Approval) -> pb::Approval {
    pb::Approval {
        on: day(a.on),
        days: i32::try_from(a.days).unwrap_or(i32::MAX),
        approved_by: a.approved_by.clone(),
        basis: a.basis.clone(),
    }
}

/// Every step after filing, as recorded.
fn proceedings_proto(p: &Proceedings) -> pb::Proceedings {
    let mut out = pb::Proceedings {
        notice: p.notice.as_ref().map(|n| pb::Notice {
            on: day(n.on),
            penalty: penalty_proto(&n.penalty),
            statement_due: day(n.statement_due),
            hearing_due: n.hearing_due.and_then(day),
            replaces: i32::try_from(n.replaces).unwrap_or(i32::MAX),
        }),
        defence_on: p.defence_on.and_then(day),
        hearing: p.hearing.as_ref().map(|h| pb::Hearing {
            requested_on: day(h.requested_on),
            held_on: h.held_on.and_then(day),
            presider_id: h.presider.clone().unwrap_or_default(),
        }),
        review: p.review.as_ref().map(|r| pb::LegalReview {
            on: day(r.on),
            reviewer_id: r.reviewer.clone(),
            approved: r.approved,
            opinion: r.opinion.clone(),
        }),
        discussion: p.discussion.as_ref().map(|d| pb::Discussion {
            on: day(d.on),
            leaders: d.leaders.clone(),
            minutes: d.minutes.clone(),
            conclusion: d.conclusion.clone(),
        }),
        decision: p.decision.as_ref().map(|d| pb::Decision {
            on: day(d.on),
            kind: DecisionKind::from_code(&d.kind).map_or(0, decision_kind_proto),
            penalty: penalty_proto(&d.penalty),
            on_time: d.on_time,
            orders: d
                .orders
                .iter()
                .map(|o| pb::Order {
                    kind: OrderKind::from_code(&o.kind).map_or(0, order_kind_proto),
                    by: o.by.and_then(day),
                })
                .collect(),
            number: d.number.clone(),
        }),
        service: p.service.as_ref().map(|s| pb::Service {
            on: day(s.on),
            method: ServiceMethod::from_code(&s.method).map_or(0, service_method_proto),
            on_time: s.on_time,
            fine_due: s.fine_due.and_then(day),
        }),
        payment: p.payment.as_ref().map(super::enforcement::payment_proto),
        closed_on: p.closed_on.and_then(day),
        on_the_spot: p.on_the_spot.as_ref().map(|o| pb::OnTheSpot {
            form_number: o.form_number.clone(),
            collected: o.collected,
            reported_on: o.reported_on.and_then(day),
            handed_in_on: o.handed_in_on.and_then(day),
            receipt_number: o.receipt_number.clone().unwrap_or_default(),
            handed_in_on_time: o.handed_in_on_time.unwrap_or(false),
        }),
        seizure: p.seizure.as_ref().map(|s| pb::Seizure {
            on: day(s.on),
            items: s.items.clone(),
            until: day(s.until),
            extended: s.extended,
            released_on: s.released_on.and_then(day),
        }),
        demolition: p.demolition.as_ref().map(|d| pb::Demolition {
            notice_on: day(d.notice_on),
            removal_by: day(d.removal_by),
            done_at: d.done_at.map(time::to_timestamp),
        }),
        decision_extension: p.decision_extension.as_ref().map(approval_proto),
        deferral: p.deferral.as_ref().map(approval_proto),
        preservations: p
            .preservations
            .iter()
            .map(|x| pb::Preservation {
                on: day(x.on),
                items: x.items.clone(),
                decide_by: day(x.decide_by),
                decided_on: x.decided_on.and_then(day),
                outcome: x
                    .outcome
                    .as_deref()
                    .and_then(PreservationOutcome::from_code)
                    .map_or(0, preservation_outcome_proto),
            })
            .collect(),
        court: p.court.as_ref().map(|c| pb::CourtEnforcement {
            demanded_on: day(c.demanded_on),
            applied_on: c.applied_on.and_then(day),
        }),
        recusals: p
            .recusals
            .iter()
            .map(|r| pb::Recusal {
                officer_id: r.officer.clone(),
                reason: RecusalReason::from_code(&r.reason).map_or(0, recusal_reason_proto),
                note: r.note.clone(),
            })
            .collect(),
        hearing_waiver: p.hearing_waiver.as_ref().map(|w| pb::HearingWaiver {
            on: day(w.on),
            how: WaiverKind::from_code(&w.how).map_or(0, waiver_kind_proto),
        }),
        corrected_on: p.corrected_on.and_then(day),
        officer_changes: p
            .officer_changes
            .iter()
            .map(|c| pb::OfficerChange {
                on: day(c.on),
                officer_id: c.officer.clone(),
                replaces: c.replaces.clone().unwrap_or_default(),
                reason: OfficerChangeReason::from_code(&c.reason)
                    .map_or(0, officer_change_reason_proto),
                note: c.note.clone(),
                approved_by: c.approved_by.clone(),
            })
            .collect(),
        suspensions: p
            .suspensions
            .iter()
            .map(|x| pb::Suspension {
                from: day(x.from),
                reason: SuspensionReason::from_code(&x.reason).map_or(0, suspension_reason_proto),
                note: x.note.clone(),
                resumed_on: x.resumed_on.and_then(day),
            })
            .collect(),
        ..Default::default()
    };
    super::enforcement::execution_proto(p, &mut out);
    out
}

pub(super) fn power_item_proto(item: &PowerItem) -> pb::PowerItem {
    pb::PowerItem {
        id: item.id.clone(),
        code: item.code.clone(),
        name: item.name.clone(),
        legal_basis: item.legal_basis.clone(),
        kind: power_kind_proto(item.kind),
        source: power_source_proto(item.source),
        category: category_proto(item.category),
        effective_from: time::date_to_proto(item.effective_from),
        effective_to: item.effective_to.and_then(time::date_to_proto),
        holder_division_codes: item.holders.iter().map(ToString::to_string).collect(),
        version: item.version,
    }
}

/// A case as it leaves: a natural person's name and ID number masked.
pub(super) fn case_proto(c: &Case) -> pb::Case {
    let person = c.party.kind == PartyKind::Person;
    pb::Case {
        id: c.id.clone(),
        division_code: c.division.to_string(),
        source: case_source_proto(c.source),
        complaint_id: c.complaint_id.clone().unwrap_or_default(),
        party: Some(pb::Party {
            kind: party_kind_proto(c.party.kind),
            name: if person {
                privacy::mask_name(&c.party.name)
            } else {
                c.party.name.clone()
            },
            id_number: if person {
                privacy::mask_id_number(&c.party.id_number)
            } else {
                c.party.id_number.clone()
            },
            address: if person {
                String::new()
            } else {
                c.party.address.clone()
            },
        }),
        facts: c.facts.clone(),
        act_on: time::date_to_proto(c.act_on),
        continuing: c.continuing,
        act_ended_on: c.act_ended_on.and_then(time::date_to_proto),
        serious_harm: c.serious_harm,
        discovered_on: time::date_to_proto(c.discovered_on),
        power_item_code: c.power_item_code.clone().unwrap_or_default(),
        category: c.category.map_or(0, category_proto),
        officer_ids: c.officers.clone(),
        filed_on: c.filed_on.and_then(time::date_to_proto),
        status: case_status_proto(c.status),
        version: c.version,
        major: c.proceedings.major,
        proceedings: Some(proceedings_proto(&c.proceedings)),
    }
}

pub(super) fn event_proto(e: &Event) -> pb::CaseEvent {
    let status = |code: &str| CaseStatus::from_code(code).map_or(0, case_status_proto);
    pb::CaseEvent {
        seq: e.seq,
        at: Some(time::to_timestamp(time::from_micros(e.at))),
        actor: e.actor.clone(),
        kind: e.kind.clone(),
        from_status: status(&e.from_status),
        to_status: status(&e.to_status),
        detail: e.detail.clone(),
        prev_hash: e.prev_hash.clone(),
        hash: e.hash.clone(),
    }
}

pub(super) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The id of the record a caller's request id makes: the same request id
/// gives the same id, so a retried write finds what the first one wrote.
/// (A version-8 UUID from a digest: never one of [`new_id`]'s.)
pub(super) fn id_for_request(kind: &str, request_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{kind}\n{request_id}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A step's day from the contract, checked; today when absent.
pub(super) fn day_or_today(
    field: &str,
    value: Option<&common::Date>,
    today: NaiveDate,
) -> Result<NaiveDate, Error> {
    match value {
        None => Ok(today),
        Some(d) => time::date_from_proto(field, Some(d)),
    }
}
