//! Escalation to enforcement: a complaint that reveals a violation becomes a
//! lead (线索) in the cases service. The lead is checked here as the cases
//! service will check it, so an escalation accepted here is one it accepts;
//! it is delivered later, through the outbox, whatever the cases service's
//! state at the time.

use chrono::NaiveDate;
use fazhi_platform::{Code, Error, identity};
use serde::{Deserialize, Serialize};

/// The longest facts a lead carries (the cases service's limit).
pub const MAX_FACTS_CHARS: usize = 4_000;

/// The division a complaint's lead is recorded in: the complaint's own, but
/// a report about enforcement conduct goes to the county, so neither the
/// unit it names nor its officers ever read the lead or the case that
/// follows (信访工作条例 第三十一条).
pub fn lead_division(complaint: &super::Complaint) -> fazhi_platform::DivisionCode {
    let h = &complaint.handling;
    fazhi_platform::privacy::derived_division(
        &complaint.division_code,
        h.concerns_unit.is_some() || h.concerns_officer.is_some(),
    )
}

/// What the escalating staff know of the violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    /// `person` or `organisation`.
    pub party_kind: String,
    pub party_name: String,
    /// Resident ID number or unified social credit code; may be empty.
    pub party_id_number: String,
    /// When the act was done, or began for a continuing one.
    pub act_on: NaiveDate,
    pub continuing: bool,
    /// The complaint's content and address, cut to the lead's limit.
    pub facts: String,
}

/// Checks a lead as given with an escalation, on `today`.
pub fn check_lead(
    party_kind: &str,
    party_name: &str,
    party_id_number: &str,
    act_on: NaiveDate,
    continuing: bool,
    facts: &str,
    today: NaiveDate,
) -> Result<Lead, Error> {
    let kind = party_kind.trim();
    let party = match kind {
        "person" => identity::PartyKind::Person,
        "organisation" => identity::PartyKind::Organisation,
        _ => {
            return Err(Error::invalid_field(
                "party.kind",
                Code::UnknownCode,
                "party.kind must be one of person, organisation",
            ));
        }
    };
    // The cases service's own check, so an escalation accepted here is a
    // lead it accepts.
    let (party_name, id_number) = identity::check_party(
        party,
        ("party.name", party_name),
        ("party.id_number", party_id_number),
    )?;
    if act_on > today {
        return Err(Error::invalid_field(
            "act_on",
            Code::DateInFuture,
            "act_on lies after today",
        ));
    }
    Ok(Lead {
        party_kind: kind.to_owned(),
        party_name,
        party_id_number: id_number,
        act_on,
        continuing,
        facts: facts.chars().take(MAX_FACTS_CHARS).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_lead_is_checked_as_the_cases_service_checks_it() {
        let today = day("2026-11-29");
        let lead = check_lead(
            "person",
            "王五",
            "",
            day("2026-11-01"),
            true,
            "违法建房",
            today,
        )
        .unwrap();
        assert_eq!(lead.party_kind, "person");
        let long = "违".repeat(MAX_FACTS_CHARS + 10);
        let cut = check_lead(
            "organisation",
            "某公司",
            "",
            day("2026-11-01"),
            false,
            &long,
            today,
        )
        .unwrap();
        assert_eq!(cut.facts.chars().count(), MAX_FACTS_CHARS);
        for (kind, name, id, act_on, field) in [
            ("company", "王五", "", "2026-11-01", "party.kind"),
            ("person", "", "", "2026-11-01", "party.name"),
            ("person", "王五", "12345", "2026-11-01", "party.id_number"),
            ("person", "王五", "", "2026-12-01", "act_on"),
        ] {
            let err = check_lead(kind, name, id, day(act_on), false, "f", today).unwrap_err();
            assert_eq!(
                err.field.as_deref(),
                Some(field),
                "{kind} {name} {id} {act_on}"
            );
        }
    }
}

/// The milestones of the case a complaint was escalated to, which the
/// complaint records as its own events (the case's outcome flows back): in
/// the order a case passes them, `not_filed` and `terminated` ending it early.
pub const CASE_MILESTONES: [&str; 3] = ["filed", "decided", "closed"];

/// The milestone a case's status (its code) has reached: none while a lead.
pub fn case_milestone(status: &str) -> Option<&'static str> {
    match status {
        "filed" | "notified" => Some("filed"),
        "decided" | "served" => Some("decided"),
        "closed" => Some("closed"),
        "not_filed" => Some("not_filed"),
        "terminated" => Some("terminated"),
        _ => None,
    }
}

/// Whether no milestone follows `milestone`.
pub fn case_ended(milestone: &str) -> bool {
    matches!(milestone, "closed" | "not_filed" | "terminated")
}

/// The milestones to record, in order, when the case stands at `now` and
/// the complaint recorded `last` ("" for none): each one passed since, so a
/// case that was decided and closed between two looks records both.
pub fn milestones_since(last: &str, now: &str) -> Vec<&'static str> {
    let Some(now) = case_milestone(now) else {
        return Vec::new();
    };
    if now == last || case_ended(last) {
        return Vec::new();
    }
    match CASE_MILESTONES.iter().position(|m| *m == now) {
        Some(to) => {
            let from = CASE_MILESTONES
                .iter()
                .position(|m| *m == last)
                .map_or(0, |i| i + 1);
            CASE_MILESTONES[from.min(to + 1)..=to].to_vec()
        }
        // Ended early: declined before filing, or terminated after it.
        None => vec![now],
    }
}

#[cfg(test)]
mod milestone_tests {
    use super::*;

    #[test]
    fn every_milestone_passed_since_the_last_look_is_recorded_once_in_order() {
        assert_eq!(milestones_since("", "lead"), Vec::<&str>::new());
        assert_eq!(milestones_since("", "filed"), ["filed"]);
        assert_eq!(milestones_since("", "notified"), ["filed"]);
        assert_eq!(milestones_since("filed", "notified"), Vec::<&str>::new());
        assert_eq!(milestones_since("filed", "served"), ["decided"]);
        assert_eq!(
            milestones_since("", "closed"),
            ["filed", "decided", "closed"]
        );
        assert_eq!(milestones_since("decided", "closed"), ["closed"]);
        assert_eq!(milestones_since("closed", "closed"), Vec::<&str>::new());
        assert_eq!(milestones_since("", "not_filed"), ["not_filed"]);
        assert_eq!(milestones_since("filed", "terminated"), ["terminated"]);
        assert_eq!(milestones_since("terminated", "closed"), Vec::<&str>::new());
    }
}
