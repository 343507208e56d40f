//! A case (行政执法案件) from its lead (线索): who the party is, when the
//! act was, and the steps that end a lead or a case with a reason.

use chrono::NaiveDate;
use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, DivisionCode, Error, ErrorKind, coded_enum, identity};

use super::Proceedings;

coded_enum! {
    /// Where a case stands.
    CaseStatus {
        /// 线索: recorded, not yet decided whether to file.
        Lead => "lead",
        /// 不予立案: the lead ended without a case.
        NotFiled => "not_filed",
        /// 立案: filed, officers assigned, under investigation.
        Filed => "filed",
        /// 告知: the party was told of the proposed penalty and their rights.
        Notified => "notified",
        /// 决定: the decision is made.
        Decided => "decided",
        /// 送达: the decision reached the party.
        Served => "served",
        /// 结案
        Closed => "closed",
        /// 终止: ended with a reason before a decision.
        Terminated => "terminated",
    }
}

impl CaseStatus {
    /// Filed and not yet closed or ended: officers stay assigned and the
    /// case's deadlines are watched.
    pub const UNDER_WAY: [CaseStatus; 4] = [
        CaseStatus::Filed,
        CaseStatus::Notified,
        CaseStatus::Decided,
        CaseStatus::Served,
    ];

    /// Whether the case is [`CaseStatus::UNDER_WAY`].
    pub fn under_way(self) -> bool {
        Self::UNDER_WAY.contains(&self)
    }
}

coded_enum! {
    /// How a lead came in.
    CaseSource {
        /// Escalated from a complaint (群众投诉举报).
        Complaint => "complaint",
        /// Found on inspection (巡查发现).
        Inspection => "inspection",
        /// Referred by another agency (移送).
        Referral => "referral",
        /// Reported by a higher authority or the media (交办、上级督办).
        Report => "report",
    }
}

coded_enum! {
    /// Who the party is.
    PartyKind {
        /// A natural person: named by resident ID number.
        Person => "person",
        /// An organisation: named by unified social credit code.
        Organisation => "organisation",
    }
}

/// The party (当事人) a case concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub kind: PartyKind,
    pub name: String,
    /// Resident ID number or unified social credit code; empty while unknown
    /// (a lead may not know it yet; filing needs it).
    pub id_number: String,
    /// Address or domicile (住所); empty while unknown.
    pub address: String,
}

/// Officers assigned at filing: at least two (Art. 42), at most this many.
pub const MAX_OFFICERS: usize = 10;

/// A case as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: String,
    pub division: DivisionCode,
    pub source: CaseSource,
    /// The complaint a lead escalated from (one lead per complaint).
    pub complaint_id: Option<String>,
    pub party: Party,
    pub facts: String,
    /// When the act was done, or began for a continuing act.
    pub act_on: NaiveDate,
    /// A continuing act (连续或者继续状态, e.g. a building that stands).
    pub continuing: bool,
    /// The day a continuing act ended; none while it goes on.
    pub act_ended_on: Option<NaiveDate>,
    /// Whether it harmed life, health or financial safety (5-year limit).
    pub serious_harm: bool,
    /// The day the act was discovered (the lead's day).
    pub discovered_on: NaiveDate,
    /// The power item cited, by code (set at filing).
    pub power_item_code: Option<String>,
    /// The item's category: what the officers must be certified for.
    pub category: Option<EnforcementCategory>,
    /// Officers assigned (person ids of the training service).
    pub officers: Vec<String>,
    pub filed_on: Option<NaiveDate>,
    /// Everything after filing, step by step.
    pub proceedings: Proceedings,
    pub status: CaseStatus,
    pub version: i64,
}

/// A lead as given.
#[derive(Debug, Clone, Default)]
pub struct NewLead {
    pub division_code: String,
    pub source: Option<CaseSource>,
    pub complaint_id: Option<String>,
    pub party_kind: Option<PartyKind>,
    pub party_name: String,
    pub party_id_number: String,
    /// The party's address or domicile (住所), as a decision states it (Art. 59).
    pub party_address: String,
    pub facts: String,
    pub act_on: Option<NaiveDate>,
    pub continuing: bool,
    pub act_ended_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub discovered_on: Option<NaiveDate>,
}

fn required(field: &str) -> Error {
    Error::invalid_field(field, Code::Required, format!("{field} is required"))
}

/// The party's identifier, checked for its kind (empty stays empty).
pub fn check_party_id(kind: PartyKind, text: &str) -> Result<String, Error> {
    identity::check_party_id(platform_kind(kind), "party_id_number", text)
}

/// The party's kind as the platform's one party check knows it.
fn platform_kind(kind: PartyKind) -> identity::PartyKind {
    match kind {
        PartyKind::Person => identity::PartyKind::Person,
        PartyKind::Organisation => identity::PartyKind::Organisation,
    }
}

/// Checks a new lead: a division, source, party, facts, and the act's days
/// in order (the act, its end, its discovery — none after today).
pub fn new_lead(new: NewLead, id: String, today: NaiveDate) -> Result<Case, Error> {
    let division = DivisionCode::parse_field("division_code", &new.division_code)?;
    let source = new.source.ok_or_else(|| required("source"))?;
    let complaint_id = match (source, new.complaint_id.filter(|c| !c.is_empty())) {
        (CaseSource::Complaint, None) => return Err(required("complaint_id")),
        (CaseSource::Complaint, Some(id)) => {
            Some(text::required("complaint_id", &id, 64, Lines::One)?)
        }
        (_, Some(_)) => {
            return Err(Error::invalid_field(
                "complaint_id",
                Code::InvalidArgument,
                "complaint_id is given only for a lead from a complaint",
            ));
        }
        (_, None) => None,
    };
    let kind = new.party_kind.ok_or_else(|| required("party_kind"))?;
    let (name, id_number) = identity::check_party(
        platform_kind(kind),
        ("party_name", &new.party_name),
        ("party_id_number", &new.party_id_number),
    )?;
    let address = text::optional("party_address", Some(&new.party_address), 200, Lines::One)?
        .unwrap_or_default();
    let party = Party {
        kind,
        name,
        id_number,
        address,
    };
    let facts = text::required("facts", &new.facts, 4000, Lines::Many)?;
    let act_on = new.act_on.ok_or_else(|| required("act_on"))?;
    let discovered_on = new.discovered_on.unwrap_or(today);
    let after = |field: &str, later: NaiveDate, earlier: NaiveDate, what: &str| {
        if later < earlier {
            Err(Error::invalid_field(
                field,
                Code::InvalidTimeRange,
                format!("{field} lies before {what}"),
            ))
        } else {
            Ok(())
        }
    };
    if discovered_on > today {
        return Err(Error::invalid_field(
            "discovered_on",
            Code::DateInFuture,
            "discovered_on lies after today",
        ));
    }
    after("discovered_on", discovered_on, act_on, "act_on")?;
    if let Some(ended) = new.act_ended_on {
        if !new.continuing {
            return Err(Error::invalid_field(
                "act_ended_on",
                Code::InvalidArgument,
                "act_ended_on is given only for a continuing act",
            ));
        }
        after("act_ended_on", ended, act_on, "act_on")?;
        if ended > today {
            return Err(Error::invalid_field(
                "act_ended_on",
                Code::DateInFuture,
                "act_ended_on lies after today",
            ));
        }
    }
    Ok(Case {
        id,
        division,
        source,
        complaint_id,
        party,
        facts,
        act_on,
        continuing: new.continuing,
        act_ended_on: new.act_ended_on,
        serious_harm: new.serious_harm,
        discovered_on,
        power_item_code: None,
        category: None,
        officers: Vec::new(),
        filed_on: None,
        proceedings: Proceedings::default(),
        status: CaseStatus::Lead,
        version: 1,
    })
}
/// 不予立案: a lead ends without a case, with the reason.
pub fn decline(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    if case.status != CaseStatus::Lead {
        return Err(out_of_order(case, "declined", "a lead"));
    }
    check_step_day("on", on, case.discovered_on, today)?;
    let mut after = case.clone();
    after.proceedings.ended_on = Some(on);
    Ok(Case {
        status: CaseStatus::NotFiled,
        version: case.version + 1,
        ..after
    })
}

/// 终止: a filed case ends before a decision, with the reason.
pub fn terminate(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    if !matches!(case.status, CaseStatus::Filed | CaseStatus::Notified) {
        return Err(out_of_order(
            case,
            "terminated",
            "a filed case before its decision",
        ));
    }
    let last = case
        .proceedings
        .notice
        .as_ref()
        .map(|n| n.on)
        .or(case.filed_on)
        .unwrap_or(case.discovered_on);
    check_step_day("on", on, last, today)?;
    let mut after = case.clone();
    after.proceedings.ended_on = Some(on);
    Ok(Case {
        status: CaseStatus::Terminated,
        version: case.version + 1,
        ..after
    })
}

/// A reason a step records: required, one paragraph at most.
pub fn check_reason(text: &str) -> Result<String, Error> {
    text::required("reason", text, 1000, Lines::Many)
}

/// A step's day lies between the case's previous step and today.
pub(crate) fn check_step_day(
    field: &str,
    on: NaiveDate,
    earliest: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    if on > today {
        return Err(Error::invalid_field(
            field,
            Code::DateInFuture,
            format!("{field} lies after today"),
        ));
    }
    if on < earliest {
        return Err(Error::invalid_field(
            field,
            Code::InvalidTimeRange,
            format!("{field} lies before the case's previous step ({earliest})"),
        ));
    }
    Ok(())
}

pub(crate) fn out_of_order(case: &Case, step: &str, from: &str) -> Error {
    Error::new(
        ErrorKind::FailedPrecondition,
        Code::InvalidTransition,
        format!(
            "the case is {}: only {from} can be {step}",
            case.status.code()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;
    use crate::domain::{Certification, file};

    fn certified(ids: &[&str]) -> Vec<(String, Certification)> {
        ids.iter()
            .map(|id| ((*id).to_owned(), Certification::Certified))
            .collect()
    }

    #[test]
    fn a_lead_needs_its_party_facts_and_days_in_order() {
        let today = day("2026-11-29");
        assert!(new_lead(new_lead_fixture(), "k1".into(), today).is_ok());
        let refused = |new: NewLead| new_lead(new, "k1".into(), today).unwrap_err();
        let err = refused(NewLead {
            discovered_on: Some(day("2021-12-31")),
            ..new_lead_fixture()
        });
        assert_eq!(
            (err.code, err.field.as_deref()),
            (Code::InvalidTimeRange, Some("discovered_on"))
        );
        let err = refused(NewLead {
            discovered_on: Some(day("2026-11-30")),
            ..new_lead_fixture()
        });
        assert_eq!(err.code, Code::DateInFuture);
        let err = refused(NewLead {
            act_ended_on: Some(day("2023-01-01")),
            continuing: false,
            ..new_lead_fixture()
        });
        assert_eq!(err.field.as_deref(), Some("act_ended_on"));
        let err = refused(NewLead {
            source: Some(CaseSource::Complaint),
            ..new_lead_fixture()
        });
        assert_eq!(
            (err.code, err.field.as_deref()),
            (Code::Required, Some("complaint_id"))
        );
        let err = refused(NewLead {
            party_id_number: "91411624MA9XXXXX0X".into(),
            party_kind: Some(PartyKind::Organisation),
            ..new_lead_fixture()
        });
        assert_eq!(err.field.as_deref(), Some("party_id_number"));
    }

    #[test]
    fn steps_run_in_order_and_on_days_between_the_last_step_and_today() {
        let (item, today) = (power_item(), day("2026-11-29"));
        let case = lead();
        let err = file(
            &case,
            &item,
            &certified(&["o1", "o2"]),
            false,
            day("2024-02-29"),
            today,
        )
        .unwrap_err();
        assert_eq!(err.code, Code::InvalidTimeRange);
        let err = file(
            &case,
            &item,
            &certified(&["o1", "o2"]),
            false,
            day("2026-11-30"),
            today,
        )
        .unwrap_err();
        assert_eq!(err.code, Code::DateInFuture);
        let declined = decline(&case, day("2024-03-05"), today).unwrap();
        assert_eq!(declined.status, CaseStatus::NotFiled);
        let err = file(
            &declined,
            &item,
            &certified(&["o1", "o2"]),
            false,
            day("2024-03-05"),
            today,
        )
        .unwrap_err();
        assert_eq!(err.code, Code::InvalidTransition);
        let err = terminate(&case, day("2024-03-05"), today).unwrap_err();
        assert_eq!(err.code, Code::InvalidTransition);
        let filed = file(
            &case,
            &item,
            &certified(&["o1", "o2"]),
            false,
            day("2024-03-05"),
            today,
        )
        .unwrap();
        assert_eq!(
            terminate(&filed, day("2024-03-06"), today).unwrap().status,
            CaseStatus::Terminated
        );
        assert_eq!(
            decline(&filed, day("2024-03-06"), today).unwrap_err().code,
            Code::InvalidTransition
        );
        // Notified but not decided: still terminated, on or after the notice.
        let mut notified = filed.clone();
        notified.status = CaseStatus::Notified;
        let ended = terminate(&notified, day("2024-03-06"), today).unwrap();
        assert_eq!(
            (ended.status, ended.proceedings.ended_on),
            (CaseStatus::Terminated, Some(day("2024-03-06")))
        );
    }
}
