//! Deadlines near or passed (预警): sign-for limits of dispatched complaints
//! and replies not yet given, for the caller's divisions.

use chrono::{DateTime, Duration, Utc};
use fazhi_platform::grpc::MAX_WARNINGS;
use fazhi_platform::{Error, auth::Caller, complaint_category, time};
use fazhi_proto::common::v1 as common;

use super::{ComplaintsApi, filter};
use crate::domain::Complaint;
use crate::store::awaiting::Awaiting;

/// Warnings one answer holds at most.
/// A sign-for limit is near within these hours.
const SIGN_FOR_NEAR_HOURS: i64 = 4;
/// A petition's acceptance decision is near within these days.
const PETITION_NEAR_DAYS: i64 = 3;

fn warning(kind: &str, c: &Complaint, due: DateTime<Utc>, now: DateTime<Utc>) -> common::Warning {
    let category =
        complaint_category::category_by_code(&c.category).map_or(c.category.as_str(), |k| k.name);
    common::Warning {
        kind: kind.to_owned(),
        // Only deadlines near or passed are asked for.
        level: fazhi_platform::warning::level(due, now, due)
            .map_or(common::WarningLevel::Yellow as i32, |l| l.to_proto()),
        record_id: c.id.clone(),
        division_code: c.division_code.as_str().to_owned(),
        due_at: Some(time::to_timestamp(due)),
        title: format!("投诉 {}（{category}）", c.tracking_code),
    }
}

impl ComplaintsApi {
    pub(super) async fn warnings(
        &self,
        caller: &Caller,
        division: &str,
    ) -> Result<common::ListWarningsResponse, Error> {
        let now = self.clock.now();
        // Replies due by the end of the next working day, and those past due.
        let next = self.calendar.add_working_days(time::china_date(now), 1);
        let scope = filter(caller, division, None, "period")?;
        let limit = MAX_WARNINGS as i64 + 1;
        let waiting = |awaiting, due_by| self.store.list_awaiting(&scope, awaiting, due_by, limit);
        let never = now + Duration::days(365 * 100);
        let (late, dispatched, unanswered) = tokio::try_join!(
            waiting(Awaiting::Reply, time::end_of_china_day(next)),
            waiting(Awaiting::SignFor, never),
            // A first answer owed: an urgent request's feedback, a petition's
            // decision whether it is accepted (信访工作条例: 15 days).
            waiting(Awaiting::FirstAnswer, never),
        )?;
        let strip = |found: Vec<(i64, Complaint)>| -> Vec<Complaint> {
            found.into_iter().map(|(_, c)| c).collect()
        };
        let (late, dispatched, unanswered) = (strip(late), strip(dispatched), strip(unanswered));
        let truncated = late.len() > MAX_WARNINGS
            || dispatched.len() > MAX_WARNINGS
            || unanswered.len() > MAX_WARNINGS;
        let mut warnings: Vec<common::Warning> = late
            .iter()
            .take(MAX_WARNINGS)
            .map(|c| warning("complaint_reply", c, c.reply_due, now))
            .collect();
        warnings.extend(dispatched.iter().take(MAX_WARNINGS).filter_map(|c| {
            let due = c.handling.accept_due?;
            (due < now + Duration::hours(SIGN_FOR_NEAR_HOURS))
                .then(|| warning("complaint_accept", c, due, now))
        }));
        warnings.extend(unanswered.iter().take(MAX_WARNINGS).filter_map(|c| {
            let due = c.feedback_due?;
            let (kind, near) = if c.channel == crate::domain::Channel::PetitionHall {
                ("petition_accept", Duration::days(PETITION_NEAR_DAYS))
            } else {
                ("complaint_feedback", Duration::hours(SIGN_FOR_NEAR_HOURS))
            };
            (due < now + near).then(|| warning(kind, c, due, now))
        }));
        Ok(fazhi_platform::grpc::warnings_answer(warnings, truncated))
    }
}
