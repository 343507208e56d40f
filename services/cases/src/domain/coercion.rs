//! Coercive measures (行政强制法): a seizure (查封、扣押) lasts at most 30 days,
//! extended once by at most 30 with approval (Art. 25); a forced demolition
//! (强制拆除) comes only after a public notice and the period it gives the
//! party to remove the building themselves, never at night or on a day off
//! (Arts. 43–44) — the calendar decides — and, like a seizure, only with an
//! audio or video record of it (全过程记录).

use chrono::{DateTime, Days, NaiveDate, Timelike, Utc};
use fazhi_calendar::Calendar;
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error, time};
use serde::{Deserialize, Serialize};

use super::case::check_step_day;
use super::procedure::next;
use super::{Case, CaseStatus, Record, RecordStep, check_audio_video, rule};

/// Days a seizure lasts, and the one extension's most.
pub const SEIZURE_DAYS: u64 = 30;
/// Hours that are night (行政强制法 Art. 43): from 22:00 to 06:00, China time.
pub const NIGHT_FROM_HOUR: u32 = 22;
pub const NIGHT_UNTIL_HOUR: u32 = 6;
/// The longest removal period a notice may give, in days.
pub const MAX_REMOVAL_DAYS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seizure {
    pub on: NaiveDate,
    /// What was sealed or seized.
    pub items: String,
    /// The last day it may last.
    pub until: NaiveDate,
    pub extended: bool,
    pub released_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demolition {
    /// The public notice (公告) and the last day the party may remove it.
    pub notice_on: NaiveDate,
    pub removal_by: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
}

/// 查封、扣押 on `on` for at most 30 days, with its audio or video record.
pub fn seize(
    case: &Case,
    items: &str,
    on: NaiveDate,
    today: NaiveDate,
    records: &[Record],
) -> Result<Case, Error> {
    super::procedure::before_decision(case, "a seizure")?;
    check_step_day("on", on, case.filed_on.unwrap_or(case.discovered_on), today)?;
    if case
        .proceedings
        .seizure
        .as_ref()
        .is_some_and(|s| s.released_on.is_none())
    {
        return Err(rule(
            Code::SeizureInForce,
            "on",
            "a seizure is in force already: extend or release it",
        ));
    }
    check_audio_video(RecordStep::Seizure, records)?;
    let seizure = Seizure {
        on,
        items: text::required("items", items, 2000, Lines::Many)?,
        until: on + Days::new(SEIZURE_DAYS - 1),
        extended: false,
        released_on: None,
    };
    Ok(next(case, case.status, |p| p.seizure = Some(seizure)))
}

fn seizure_in_force(case: &Case) -> Result<&Seizure, Error> {
    case.proceedings
        .seizure
        .as_ref()
        .filter(|s| s.released_on.is_none())
        .ok_or_else(|| rule(Code::NoSeizure, "on", "no seizure is in force"))
}

/// Extends a seizure once, by at most 30 days, before it runs out (Art. 25).
pub fn extend_seizure(
    case: &Case,
    days: u64,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    let seizure = seizure_in_force(case)?;
    check_step_day("on", on, seizure.on, today)?;
    if seizure.extended {
        return Err(rule(
            Code::SeizureExtensionUsed,
            "days",
            "a seizure is extended once only (行政强制法 Art. 25)",
        ));
    }
    if on > seizure.until {
        return Err(rule(
            Code::SeizureLapsed,
            "on",
            format!(
                "the seizure ran out on {}: it is extended before then (行政强制法 Art. 25)",
                seizure.until
            ),
        ));
    }
    if !(1..=SEIZURE_DAYS).contains(&days) {
        return Err(Error::invalid_field(
            "days",
            Code::InvalidCount,
            format!("a seizure is extended by 1 to {SEIZURE_DAYS} days"),
        ));
    }
    let until = seizure.until + Days::new(days);
    Ok(next(case, case.status, |p| {
        if let Some(s) = p.seizure.as_mut() {
            s.until = until;
            s.extended = true;
        }
    }))
}

/// Releases a seizure (解除).
pub fn release_seizure(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    let seizure = seizure_in_force(case)?;
    check_step_day("on", on, seizure.on, today)?;
    Ok(next(case, case.status, |p| {
        if let Some(s) = p.seizure.as_mut() {
            s.released_on = Some(on);
        }
    }))
}

/// 公告: after a decision ordering removal, the party is given `days` to
/// remove the building themselves (Art. 44).
pub fn announce_demolition(
    case: &Case,
    days: u32,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    let decided = case.proceedings.decision.as_ref().filter(|_| {
        matches!(
            case.status,
            CaseStatus::Decided | CaseStatus::Served | CaseStatus::Closed
        )
    });
    let Some(decision) = decided else {
        return Err(rule(
            Code::NotDecided,
            "on",
            "a demolition is announced after the decision ordering it",
        ));
    };
    check_step_day("on", on, decision.on, today)?;
    // 责令限期拆除: the party first has the order's own day to remove it.
    if let Some(by) = super::demolish_by(case)
        && on <= by
    {
        return Err(rule(
            Code::RemovalPeriodRunning,
            "on",
            format!(
                "the decision orders the party to remove it by {by}: announce a forced demolition after that (行政强制法 Art. 44)"
            ),
        ));
    }
    if !(1..=MAX_REMOVAL_DAYS).contains(&days) {
        return Err(Error::invalid_field(
            "removal_days",
            Code::InvalidCount,
            format!("the party is given 1 to {MAX_REMOVAL_DAYS} days to remove it"),
        ));
    }
    let demolition = Demolition {
        notice_on: on,
        removal_by: on + Days::new(u64::from(days)),
        done_at: None,
    };
    Ok(next(case, case.status, |p| p.demolition = Some(demolition)))
}

/// 强制拆除 at `at`: after the removal period, once a 催告 and a written
/// 强制执行决定 were served (Arts. 35–38), and only once the party's periods
/// to apply for 复议 (60 days) and to sue (six months, 行政诉讼法 Art. 46)
/// from the decision's service ran out with no appeal running or won, or a
/// court upheld it (Art. 44); on a working day, not at night, with its
/// audio or video record (Arts. 43–44).
pub fn demolish(
    case: &Case,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    calendar: &Calendar,
    records: &[Record],
) -> Result<Case, Error> {
    let Some(demolition) = case
        .proceedings
        .demolition
        .as_ref()
        .filter(|d| d.done_at.is_none())
    else {
        return Err(rule(
            Code::NoDemolitionNotice,
            "at",
            "no announced demolition is waiting",
        ));
    };
    if at > now {
        return Err(Error::invalid_field(
            "at",
            Code::DateInFuture,
            "at lies in the future",
        ));
    }
    let local = at.with_timezone(&time::china());
    let day = local.date_naive();
    if day <= demolition.removal_by {
        return Err(rule(
            Code::RemovalPeriodRunning,
            "at",
            format!(
                "the party may remove it until {}: demolish after that (行政强制法 Art. 44)",
                demolition.removal_by
            ),
        ));
    }
    if !calendar.is_working_day(day) {
        return Err(rule(
            Code::NotOnHoliday,
            "at",
            "a demolition is never carried out on a public holiday or a day off (行政强制法 Art. 43)",
        ));
    }
    if local.hour() >= NIGHT_FROM_HOUR || local.hour() < NIGHT_UNTIL_HOUR {
        return Err(rule(
            Code::NotAtNight,
            "at",
            "a demolition is never carried out at night, 22:00 to 06:00 (行政强制法 Art. 43)",
        ));
    }
    let Some(service) = case.proceedings.service.as_ref() else {
        return Err(rule(
            Code::InvalidTransition,
            "at",
            "the decision ordering it is served first: the party's periods to appeal run from then (行政强制法 Art. 44)",
        ));
    };
    // 公告送达 is deemed served 30 days after the notice.
    let served = if service.method == super::ServiceMethod::PublicNotice.code() {
        service.on + Days::new(30)
    } else {
        service.on
    };
    super::enforcement_served(case, "at")?;
    super::not_under_appeal(case, "at")?;
    let (appeal_ends, _) = super::court_window(served);
    if day <= appeal_ends && !super::upheld_by_court(case) {
        return Err(rule(
            Code::AppealPeriodRunning,
            "at",
            format!(
                "the party may apply for 复议 or sue until {appeal_ends}: a building is demolished by force only after both periods ran out with no appeal (行政强制法 Art. 44)"
            ),
        ));
    }
    check_audio_video(RecordStep::Demolition, records)?;
    Ok(next(case, case.status, |p| {
        if let Some(d) = p.demolition.as_mut() {
            d.done_at = Some(at);
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;
    use crate::domain::{Decision, Penalty, RecordKind};

    const TODAY: &str = "2026-11-29";

    fn video(step: RecordStep) -> Record {
        Record {
            id: "r1".into(),
            case_id: "k1".into(),
            kind: RecordKind::Video,
            step,
            sha256: "a".repeat(64),
            size_bytes: 1 << 20,
            location: "records/r1".into(),
            recorded_by: "o1".into(),
            device: "执法记录仪".into(),
            recorded_at: "2024-03-06T02:00:00Z".parse().unwrap(),
            content_stored_at: None,
            content_key: None,
        }
    }

    fn filed() -> Case {
        Case {
            status: CaseStatus::Filed,
            filed_on: Some(day("2024-03-05")),
            ..lead()
        }
    }

    #[test]
    fn a_seizure_lasts_thirty_days_extended_once_by_thirty_before_it_runs_out() {
        let today = day(TODAY);
        assert_eq!(
            seize(&filed(), "挖掘机一台", day("2024-03-06"), today, &[])
                .unwrap_err()
                .code,
            Code::RecordingRequired
        );
        let seized = seize(
            &filed(),
            "挖掘机一台",
            day("2024-03-06"),
            today,
            &[video(RecordStep::Seizure)],
        )
        .unwrap();
        assert_eq!(
            seized.proceedings.seizure.as_ref().unwrap().until,
            day("2024-04-04")
        );
        assert_eq!(
            extend_seizure(&seized, 31, day("2024-04-01"), today)
                .unwrap_err()
                .code,
            Code::InvalidCount
        );
        assert_eq!(
            extend_seizure(&seized, 30, day("2024-04-05"), today)
                .unwrap_err()
                .code,
            Code::SeizureLapsed
        );
        let extended = extend_seizure(&seized, 30, day("2024-04-01"), today).unwrap();
        assert_eq!(
            extended.proceedings.seizure.as_ref().unwrap().until,
            day("2024-05-04")
        );
        assert_eq!(
            extend_seizure(&extended, 10, day("2024-04-20"), today)
                .unwrap_err()
                .code,
            Code::SeizureExtensionUsed
        );
        let released = release_seizure(&extended, day("2024-04-20"), today).unwrap();
        assert_eq!(
            release_seizure(&released, day("2024-04-21"), today)
                .unwrap_err()
                .code,
            Code::NoSeizure
        );
    }

    #[test]
    fn a_demolition_waits_for_the_removal_period_and_never_happens_at_night_or_on_a_day_off() {
        let calendar = Calendar::official();
        // Decided 15 October 2023, served on the 20th: the party could sue
        // until 20 April 2024.
        let decided = Case {
            status: CaseStatus::Served,
            proceedings: crate::domain::Proceedings {
                service: Some(crate::domain::Service {
                    on: day("2023-10-20"),
                    method: "in_person".into(),
                    on_time: true,
                    fine_due: None,
                }),
                decision: Some(Decision {
                    on: day("2023-10-15"),
                    kind: "penalty".into(),
                    penalty: Penalty {
                        warning: false,
                        fine_fen: 0,
                        ..Penalty::default()
                    },
                    on_time: true,
                    review_required: false,
                    discussion_required: false,
                    orders: Vec::new(),
                    number: String::new(),
                }),
                enforcement: Some(crate::domain::Enforcement {
                    demanded_on: day("2024-01-08"),
                    period_days: 10,
                    working_days: true,
                    perform_by: day("2024-01-22"),
                    statement: None,
                    decided_on: Some(day("2024-01-25")),
                    served_on: Some(day("2024-01-26")),
                    agreement: None,
                }),
                ..Default::default()
            },
            ..filed()
        };
        let now: DateTime<Utc> = "2026-11-29T00:00:00Z".parse().unwrap();
        let at = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            demolish(&decided, at("2024-05-06T02:00:00Z"), now, &calendar, &[])
                .unwrap_err()
                .code,
            Code::NoDemolitionNotice
        );
        let announced = announce_demolition(&decided, 30, day("2024-03-20"), day(TODAY)).unwrap();
        let records = [video(RecordStep::Demolition)];
        let try_at = |t: &str, r: &[Record]| demolish(&announced, at(t), now, &calendar, r);
        // The party may remove it until 19 April.
        assert_eq!(
            try_at("2024-04-19T02:00:00Z", &records).unwrap_err().code,
            Code::RemovalPeriodRunning
        );
        // 1 May (Labour Day) is off; Saturday 4 May 2024 is off, Sunday 28 April was worked.
        assert_eq!(
            try_at("2024-05-01T02:00:00Z", &records).unwrap_err().code,
            Code::NotOnHoliday
        );
        assert!(try_at("2024-04-28T02:00:00Z", &records).is_ok());
        // 23:00 China time (15:00 UTC) is night.
        assert_eq!(
            try_at("2024-05-06T15:00:00Z", &records).unwrap_err().code,
            Code::NotAtNight
        );
        assert_eq!(
            try_at("2024-05-06T02:00:00Z", &[]).unwrap_err().code,
            Code::RecordingRequired
        );
        // Never without the 强制执行决定 served (Arts. 35–38), nor while an
        // appeal runs (Art. 44).
        let mut undecided = announced.clone();
        undecided.proceedings.enforcement = None;
        let refused = demolish(
            &undecided,
            at("2024-05-06T02:00:00Z"),
            now,
            &calendar,
            &records,
        );
        assert_eq!(refused.unwrap_err().code, Code::EnforcementDecisionRequired);
        let appealed = crate::domain::record_appeal(
            &announced,
            crate::domain::AppealKind::Lawsuit,
            day("2024-04-15"),
            day(TODAY),
        )
        .unwrap();
        let refused = demolish(
            &appealed,
            at("2024-05-06T02:00:00Z"),
            now,
            &calendar,
            &records,
        );
        assert_eq!(refused.unwrap_err().code, Code::AppealPending);
        let done = try_at("2024-05-06T02:00:00Z", &records).unwrap();
        assert!(done.proceedings.demolition.unwrap().done_at.is_some());
        // Served later, 18 March 2024: not before the six months to sue ran out.
        let mut recent = announced.clone();
        recent.proceedings.service.as_mut().unwrap().on = day("2024-03-18");
        let early = demolish(
            &recent,
            at("2024-05-06T02:00:00Z"),
            now,
            &calendar,
            &records,
        );
        assert_eq!(early.unwrap_err().code, Code::AppealPeriodRunning);
        assert!(
            demolish(
                &recent,
                at("2024-09-19T02:00:00Z"),
                now,
                &calendar,
                &records
            )
            .is_ok()
        );
        // Unserved, never.
        let mut unserved = announced.clone();
        unserved.proceedings.service = None;
        let refused = demolish(
            &unserved,
            at("2024-09-19T02:00:00Z"),
            now,
            &calendar,
            &records,
        );
        assert_eq!(refused.unwrap_err().code, Code::InvalidTransition);
    }
}
