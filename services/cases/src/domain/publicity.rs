//! Publicity (公示, 国办发〔2018〕118号; 行政处罚法 Art. 48): a penalty
//! decision is published within seven working days of the decision with the
//! agency, the party (an organisation by name, a natural person masked), the
//! violation, its basis, the penalty and the date; a decision changed,
//! revoked, or confirmed illegal or void is withdrawn within three working
//! days with the reason; publication ends per the credit-repair rules
//! (发改委令2023年第58号): three months for a warning or 通报批评 alone, a
//! year for any heavier kind.

use chrono::{Months, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error, coded_enum, privacy};

use super::{Case, CaseStatus, DecisionKind, PartyKind, Penalty, PowerItem, rule};

/// Working days from the decision to its publication.
pub const PUBLISH_WORKING_DAYS: u32 = 7;
/// Working days from the event that ends a decision to its withdrawal.
pub const WITHDRAW_WORKING_DAYS: u32 = 3;

coded_enum! {
    /// Why a published decision is withdrawn (Art. 48).
    WithdrawReason {
        /// 变更
        Changed => "changed",
        /// 撤销
        Revoked => "revoked",
        /// 确认违法
        ConfirmedIllegal => "confirmed_illegal",
        /// 确认无效
        ConfirmedVoid => "confirmed_void",
    }
}

/// A published decision, as anyone may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub case_id: String,
    pub division: fazhi_platform::DivisionCode,
    /// The agency in whose name the decision went out (the township
    /// government, 镇人民政府).
    pub agency: String,
    /// An organisation's name, or a natural person's masked.
    pub party: String,
    pub violation: String,
    pub basis: String,
    pub penalty: Penalty,
    pub decided_on: NaiveDate,
    pub published_on: NaiveDate,
    /// Within seven working days of the decision.
    pub on_time: bool,
    /// The last day it is shown.
    pub ends_on: NaiveDate,
    pub withdrawn: Option<Withdrawal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub on: NaiveDate,
    pub reason: WithdrawReason,
    pub note: String,
    /// Within three working days of the event that ended the decision.
    pub on_time: bool,
}

/// Publishes a case's penalty decision on `on`: the party masked as the
/// rules require, nothing of the facts beyond the violation (Art. 50 keeps
/// privacy and commercial secrets out).
pub fn publish(
    case: &Case,
    item: &PowerItem,
    agency: &str,
    violation: &str,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<Publication, Error> {
    let decision = case
        .proceedings
        .decision
        .as_ref()
        .filter(|_| {
            matches!(
                case.status,
                CaseStatus::Decided | CaseStatus::Served | CaseStatus::Closed
            )
        })
        .ok_or_else(|| {
            rule(
                Code::NotDecided,
                "case_id",
                "only a decided case is published",
            )
        })?;
    if decision.kind != DecisionKind::Penalty.code() {
        return Err(rule(
            Code::NotDecided,
            "case_id",
            "only a penalty decision is published (118号)",
        ));
    }
    super::case::check_step_day("on", on, decision.on, today)?;
    let party = match case.party.kind {
        PartyKind::Organisation => case.party.name.clone(),
        PartyKind::Person => privacy::mask_name(&case.party.name),
    };
    // A warning or 通报批评 alone is shown three months; any heavier kind a year.
    let light = Penalty {
        warning: decision.penalty.warning,
        criticism: decision.penalty.criticism,
        ..Penalty::default()
    };
    let months = if decision.penalty == light { 3 } else { 12 };
    Ok(Publication {
        case_id: case.id.clone(),
        division: case.division.clone(),
        agency: text::required("agency", agency, 100, Lines::One)?,
        party,
        violation: text::required("violation", violation, 1000, Lines::Many)?,
        basis: item.legal_basis.clone(),
        penalty: decision.penalty,
        decided_on: decision.on,
        published_on: on,
        on_time: on <= calendar.add_working_days(decision.on, PUBLISH_WORKING_DAYS),
        ends_on: on.checked_add_months(Months::new(months)).unwrap_or(on),
        withdrawn: None,
    })
}

/// Withdraws a publication on `on` for `reason`, the decision having been
/// changed, revoked, or confirmed illegal or void on `event_on`.
pub fn withdraw(
    publication: &Publication,
    reason: WithdrawReason,
    note: &str,
    event_on: NaiveDate,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<Publication, Error> {
    if publication.withdrawn.is_some() {
        return Err(rule(
            Code::AlreadyWithdrawn,
            "case_id",
            "the publication was withdrawn already",
        ));
    }
    super::case::check_step_day("event_on", event_on, publication.published_on, today)?;
    super::case::check_step_day("on", on, event_on, today)?;
    Ok(Publication {
        withdrawn: Some(Withdrawal {
            on,
            reason,
            note: text::required("note", note, 1000, Lines::Many)?,
            on_time: on <= calendar.add_working_days(event_on, WITHDRAW_WORKING_DAYS),
        }),
        ..publication.clone()
    })
}

/// Whether the public reads it on `day`: published, not yet ended, not withdrawn.
pub fn shown_on(publication: &Publication, day: NaiveDate) -> bool {
    publication.withdrawn.is_none() && publication.published_on <= day && day <= publication.ends_on
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;
    use crate::domain::{Decision, Proceedings};

    const TODAY: &str = "2026-11-29";

    fn decided(fine_fen: i64) -> Case {
        Case {
            status: CaseStatus::Decided,
            proceedings: Proceedings {
                decision: Some(Decision {
                    on: day("2024-03-15"),
                    kind: "penalty".into(),
                    penalty: Penalty {
                        warning: false,
                        fine_fen,
                        ..Penalty::default()
                    },
                    on_time: true,
                    review_required: false,
                    discussion_required: false,
                    orders: Vec::new(),
                    number: String::new(),
                }),
                ..Proceedings::default()
            },
            ..lead()
        }
    }

    fn published(case: &Case, on: &str) -> Result<Publication, Error> {
        publish(
            case,
            &power_item(),
            "老城镇人民政府",
            "未取得乡村建设规划许可证进行建设",
            day(on),
            day(TODAY),
            &Calendar::official(),
        )
    }

    #[test]
    fn a_penalty_is_published_with_the_person_masked_within_seven_working_days() {
        // Friday 15 March 2024: seven working days is Tuesday 26 March.
        let p = published(&decided(50_000), "2024-03-26").unwrap();
        assert!(p.on_time);
        assert!(p.party.contains('*'), "{}", p.party);
        assert_eq!(p.basis, power_item().legal_basis);
        assert_eq!(p.ends_on, day("2025-03-26"));
        let late = published(&decided(50_000), "2024-03-27").unwrap();
        assert!(!late.on_time);
        let mut company = decided(50_000);
        company.party.kind = PartyKind::Organisation;
        company.party.name = "某某建筑有限公司".into();
        assert_eq!(
            published(&company, "2024-03-20").unwrap().party,
            "某某建筑有限公司"
        );
    }

    #[test]
    fn only_a_decided_penalty_is_published_and_not_before_its_decision() {
        assert_eq!(
            published(&lead(), "2024-03-20").unwrap_err().code,
            Code::NotDecided
        );
        let mut dismissed = decided(0);
        if let Some(d) = dismissed.proceedings.decision.as_mut() {
            d.kind = "dismissed".into();
        }
        assert_eq!(
            published(&dismissed, "2024-03-20").unwrap_err().code,
            Code::NotDecided
        );
        assert_eq!(
            published(&decided(50_000), "2024-03-14").unwrap_err().code,
            Code::InvalidTimeRange
        );
    }

    #[test]
    fn a_withdrawal_names_its_reason_and_the_public_stops_seeing_it() {
        let calendar = Calendar::official();
        let p = published(&decided(0), "2024-03-20").unwrap();
        // A warning is shown for three months; a licence revoked, with no
        // fine, a year — and published with every kind it carries.
        assert_eq!(p.ends_on, day("2024-06-20"));
        let mut revoked = decided(0);
        if let Some(d) = revoked.proceedings.decision.as_mut() {
            d.penalty.revoke_licence = true;
        }
        let r = published(&revoked, "2024-03-20").unwrap();
        assert_eq!(r.ends_on, day("2025-03-20"));
        assert!(r.penalty.revoke_licence);
        assert!(shown_on(&p, day("2024-06-20")));
        assert!(!shown_on(&p, day("2024-06-21")));
        let w = withdraw(
            &p,
            WithdrawReason::Revoked,
            "复议撤销",
            day("2024-04-01"),
            day("2024-04-04"),
            day(TODAY),
            &calendar,
        )
        .unwrap();
        assert!(w.withdrawn.as_ref().unwrap().on_time);
        assert!(!shown_on(&w, day("2024-04-05")));
        let again = withdraw(
            &w,
            WithdrawReason::Revoked,
            "再次",
            day("2024-04-01"),
            day("2024-04-05"),
            day(TODAY),
            &calendar,
        );
        assert_eq!(again.unwrap_err().code, Code::AlreadyWithdrawn);
        // Monday 1 April 2024: three working days run over Qingming (4–6 April
        // off, Sunday 7 April worked) to the 7th; the 8th is late.
        let in_time = withdraw(
            &p,
            WithdrawReason::Changed,
            "变更",
            day("2024-04-01"),
            day("2024-04-07"),
            day(TODAY),
            &calendar,
        )
        .unwrap();
        assert!(in_time.withdrawn.unwrap().on_time);
        let late = withdraw(
            &p,
            WithdrawReason::Changed,
            "变更",
            day("2024-04-01"),
            day("2024-04-08"),
            day(TODAY),
            &calendar,
        )
        .unwrap();
        assert!(!late.withdrawn.unwrap().on_time);
    }
}
