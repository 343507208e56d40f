//! Recusal (回避, 行政处罚法 Art. 43): an officer with a conflict of interest,
//! one whose recusal the party asked for and the agency's leader granted,
//! or one named in a complaint about enforcement conduct does not act on
//! the case: they leave its officers and can never be assigned to it,
//! preside over its hearing or review it.

use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error, coded_enum};
use serde::{Deserialize, Serialize};

use super::{Case, CaseStatus, rule};

coded_enum! {
    /// Why an officer must recuse.
    RecusalReason {
        /// 与本案有直接利害关系或者有其他关系
        ConflictOfInterest => "conflict_of_interest",
        /// The party asked and the agency's leader granted it.
        PartyRequestGranted => "party_request_granted",
        /// Named in a complaint about enforcement conduct.
        NamedInComplaint => "named_in_complaint",
    }
}

/// An officer recused from a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recusal {
    pub officer: String,
    /// A `RecusalReason` code.
    pub reason: String,
    pub note: String,
}

/// Recuses `officer` from `case`: they leave its officers (the case then
/// needs two certified officers again before its next officer action).
pub fn recuse(
    case: &Case,
    officer: &str,
    reason: RecusalReason,
    note: &str,
) -> Result<Case, Error> {
    if matches!(
        case.status,
        CaseStatus::NotFiled | CaseStatus::Closed | CaseStatus::Terminated
    ) {
        return Err(Error::new(
            fazhi_platform::ErrorKind::FailedPrecondition,
            Code::InvalidTransition,
            format!(
                "the case is {}: nobody acts on it any more",
                case.status.code()
            ),
        ));
    }
    let officer = text::required("officer_id", officer, 64, Lines::One)?;
    if case
        .proceedings
        .recusals
        .iter()
        .any(|r| r.officer == officer)
    {
        return Err(rule(
            Code::AlreadyRecused,
            "officer_id",
            "this officer was recused already",
        ));
    }
    let mut after = case.clone();
    after.officers.retain(|o| *o != officer);
    after.proceedings.recusals.push(Recusal {
        officer,
        reason: reason.code().to_owned(),
        note: text::required("note", note, 1000, Lines::Many)?,
    });
    after.version += 1;
    Ok(after)
}

coded_enum! {
    /// Why an officer joins a case, or replaces one on it.
    OfficerChangeReason {
        /// One recused (回避, Art. 43) is replaced.
        Recusal => "recusal",
        /// One transferred away is replaced.
        Transfer => "transfer",
        /// One whose certificate lapsed or was suspended is replaced.
        LapsedCertificate => "lapsed_certificate",
        /// Another reason, named in the note.
        Other => "other",
    }
}

/// An officer assigned to a case after its filing, with the leader's
/// approval, and the one they replace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerChange {
    pub on: chrono::NaiveDate,
    pub officer: String,
    pub replaces: Option<String>,
    /// An `OfficerChangeReason` code.
    pub reason: String,
    pub note: String,
    /// Who approved it (the leader's subject).
    pub approved_by: String,
}

/// Assigns `officer` to `case` from `on`, replacing `replaces` (who leaves
/// it) if named: a case whose officer was recused, transferred or lost
/// their certificate moves on with another (the new one's certificate is
/// checked for that day by the caller). Never one recused from the case
/// nor one on it already.
#[allow(clippy::too_many_arguments)]
pub fn assign_officer(
    case: &Case,
    officer: &str,
    replaces: Option<&str>,
    reason: OfficerChangeReason,
    note: &str,
    approved_by: &str,
    on: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<Case, Error> {
    if !case.status.under_way() {
        return Err(Error::new(
            fazhi_platform::ErrorKind::FailedPrecondition,
            Code::InvalidTransition,
            format!(
                "the case is {}: officers are assigned to a filed case until it closes",
                case.status.code()
            ),
        ));
    }
    super::case::check_step_day("on", on, case.filed_on.unwrap_or(case.discovered_on), today)?;
    let officer = text::required("officer_id", officer, 64, Lines::One)?;
    check_not_recused(case, &officer, "officer_id")?;
    if case.officers.contains(&officer) {
        return Err(rule(
            Code::DuplicateValue,
            "officer_id",
            "this officer is on the case already",
        ));
    }
    if let Some(out) = replaces
        && !case.officers.iter().any(|o| o == out)
    {
        return Err(rule(
            Code::NotFound,
            "replaces",
            format!("{out} is not an officer on the case"),
        ));
    }
    let note = text::optional("note", Some(note), 1000, Lines::Many)?.unwrap_or_default();
    if reason == OfficerChangeReason::Other && note.is_empty() {
        return Err(Error::invalid_field(
            "note",
            Code::Required,
            "another reason is named in the note",
        ));
    }
    let mut after = case.clone();
    if let Some(out) = replaces {
        after.officers.retain(|o| o != out);
    }
    after.officers.push(officer.clone());
    after.proceedings.officer_changes.push(OfficerChange {
        on,
        officer,
        replaces: replaces.map(str::to_owned),
        reason: reason.code().to_owned(),
        note,
        approved_by: approved_by.to_owned(),
    });
    after.version += 1;
    Ok(after)
}

/// Refuses a person recused from `case` acting on it in `role` (an officer,
/// the hearing's presider, the legal reviewer).
pub fn check_not_recused(case: &Case, person: &str, field: &str) -> Result<(), Error> {
    if case
        .proceedings
        .recusals
        .iter()
        .any(|r| r.officer == person)
    {
        return Err(rule(
            Code::OfficerRecused,
            field,
            format!("{person} is recused from this case (行政处罚法 Art. 43)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    fn filed() -> Case {
        Case {
            status: CaseStatus::Filed,
            officers: vec!["o1".into(), "o2".into(), "o3".into()],
            ..lead()
        }
    }

    #[test]
    fn a_recused_officer_is_replaced_with_the_leaders_approval_never_by_themselves() {
        let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
        let mut case = filed();
        case.filed_on = Some(day("2026-03-03"));
        let recused = recuse(
            &case,
            "o2",
            RecusalReason::ConflictOfInterest,
            "当事人系其亲属",
        )
        .unwrap();
        let assign = |c: &Case, who: &str, out: Option<&str>| {
            assign_officer(
                c,
                who,
                out,
                OfficerChangeReason::Recusal,
                "",
                "account:leader",
                day("2026-03-05"),
                day("2026-12-01"),
            )
        };
        assert_eq!(
            assign(&recused, "o2", None).unwrap_err().code,
            Code::OfficerRecused
        );
        assert_eq!(
            assign(&recused, "o1", None).unwrap_err().code,
            Code::DuplicateValue
        );
        let replaced = assign(&recused, "o4", None).unwrap();
        assert_eq!(replaced.officers, ["o1", "o3", "o4"]);
        // A transferred officer leaves as the new one joins.
        let moved = assign_officer(
            &replaced,
            "o5",
            Some("o1"),
            OfficerChangeReason::Transfer,
            "调往县局",
            "account:leader",
            day("2026-03-06"),
            day("2026-12-01"),
        )
        .unwrap();
        assert_eq!(moved.officers, ["o3", "o4", "o5"]);
        assert_eq!(moved.proceedings.officer_changes.len(), 2);
        assert_eq!(
            assign(&moved, "o6", Some("o9")).unwrap_err().code,
            Code::NotFound
        );
        let before_filing = assign_officer(
            &moved,
            "o6",
            None,
            OfficerChangeReason::Recusal,
            "",
            "account:leader",
            day("2026-03-01"),
            day("2026-12-01"),
        );
        assert_eq!(before_filing.unwrap_err().code, Code::InvalidTimeRange);
    }

    #[test]
    fn a_recused_officer_leaves_the_case_and_cannot_act_on_it_again() {
        let after = recuse(
            &filed(),
            "o2",
            RecusalReason::NamedInComplaint,
            "12345 投诉执法态度",
        )
        .unwrap();
        assert_eq!(after.officers, ["o1", "o3"]);
        assert_eq!(after.version, filed().version + 1);
        assert_eq!(
            check_not_recused(&after, "o2", "officer_ids")
                .unwrap_err()
                .code,
            Code::OfficerRecused
        );
        assert!(check_not_recused(&after, "o1", "officer_ids").is_ok());
        let twice = recuse(&after, "o2", RecusalReason::ConflictOfInterest, "亲属");
        assert_eq!(twice.unwrap_err().code, Code::AlreadyRecused);
    }

    #[test]
    fn nobody_is_recused_from_a_case_that_has_ended() {
        let closed = Case {
            status: CaseStatus::Closed,
            ..filed()
        };
        let err = recuse(&closed, "o2", RecusalReason::ConflictOfInterest, "亲属").unwrap_err();
        assert_eq!(err.code, Code::InvalidTransition);
    }
}
