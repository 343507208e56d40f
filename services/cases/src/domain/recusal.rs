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
