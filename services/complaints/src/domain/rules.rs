//! The complaint service's rules that provinces and counties set: reply
//! deadlines per request type, sign-for and follow-up limits, extensions,
//! petition-hall periods, and how long the past and the feed are kept open.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_platform::DivisionCode;
use serde::{Deserialize, Serialize};

use super::RequestType;

/// Working days to reply, per request type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplyDays {
    pub inquiry: u32,
    pub help: u32,
    pub suggestion: u32,
    pub complaint: u32,
    pub report: u32,
}

impl Default for ReplyDays {
    fn default() -> Self {
        Self {
            inquiry: 2,
            help: 10,
            suggestion: 10,
            complaint: 15,
            report: 15,
        }
    }
}

/// The deadline settings; provinces differ, so they are configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplyRules {
    /// Working days to reply, per request type.
    pub reply_days: ReplyDays,
    /// Hours to a first feedback on an urgent request (water, power, gas or
    /// heating cut off and the like).
    pub urgent_feedback_hours: u32,
    /// Hours within which an urgent request is handled: its reply is due
    /// then, in hours rather than working days.
    pub urgent_reply_hours: u32,
    /// Working days a handling unit has to sign for a dispatch (签收时限).
    pub accept_working_days: u32,
    /// Hours to sign for an urgent dispatch.
    pub urgent_accept_hours: u32,
    /// Working days after the reply within which the requester is visited (回访).
    pub follow_up_working_days: u32,
    /// The longest extension of a reply, in working days.
    pub max_extension_working_days: u32,
    /// Days back in which an earlier request may be suggested as repeated.
    pub duplicate_window_days: u32,
    /// Seconds between looks for overdue complaints to remind of (each is
    /// reminded of once a day at most).
    pub overdue_sweep_secs: u64,
    /// Hosts a platform's delivery endpoint may name though they are
    /// reached over plain HTTP or at a private address (a platform inside
    /// the county's own network); every other endpoint is HTTPS on a public
    /// address.
    pub delivery_allowed_hosts: Vec<String>,
    /// Days the feed of steps keeps (a platform's cursor older than that
    /// has expired; the timelines keep every step).
    pub feed_retention_days: u32,
    /// Calendar years back a record may be entered for after the fact:
    /// from 1 January of the year this many years before this one.
    pub record_past_years: u32,
    /// The day Fazhi went live per division (a township, or the county for
    /// all of it): its window for the past opens `record_past_years` before
    /// that year rather than this one, so a township that started mid-year
    /// can still bring in its first year after the next new year.
    pub go_live: BTreeMap<String, NaiveDate>,
    /// Petition-hall items (信访事项, 信访工作条例 2022): days to tell the
    /// petitioner whether the matter is accepted, days to finish it, and the
    /// longest extension (once, approved), all calendar days.
    pub petition_accept_days: u32,
    pub petition_finish_days: u32,
    pub petition_max_extension_days: u32,
}

impl Default for ReplyRules {
    fn default() -> Self {
        Self {
            reply_days: ReplyDays::default(),
            urgent_feedback_hours: 2,
            urgent_reply_hours: 24,
            accept_working_days: 1,
            urgent_accept_hours: 2,
            follow_up_working_days: 3,
            max_extension_working_days: 15,
            duplicate_window_days: 30,
            overdue_sweep_secs: 600,
            delivery_allowed_hosts: Vec::new(),
            feed_retention_days: 90,
            record_past_years: 1,
            go_live: BTreeMap::new(),
            petition_accept_days: 15,
            petition_finish_days: 60,
            petition_max_extension_days: 30,
        }
    }
}

impl ReplyRules {
    /// The earliest time a record of `division` may be entered for at
    /// `now`: the window back from its go-live year (the nearest configured
    /// division above it, itself included), or from this year.
    pub fn past_opens(&self, division: &DivisionCode, now: DateTime<Utc>) -> DateTime<Utc> {
        let live = self
            .go_live
            .iter()
            .filter(|(code, _)| division.as_str().starts_with(code.as_str()))
            .max_by_key(|(code, _)| code.len())
            .map(|(_, day)| *day);
        super::past::earliest(live, now, self.record_past_years)
    }

    pub fn reply_days(&self, request_type: RequestType) -> u32 {
        let days = &self.reply_days;
        match request_type {
            RequestType::Inquiry => days.inquiry,
            RequestType::Help => days.help,
            RequestType::Suggestion => days.suggestion,
            RequestType::Complaint => days.complaint,
            RequestType::Report => days.report,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_go_live_above_a_division_opens_its_past() {
        let mut rules = ReplyRules::default();
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        rules.go_live.insert("411624".into(), day("2024-03-01"));
        rules.go_live.insert("411624100".into(), day("2026-06-01"));
        let now: DateTime<Utc> = "2027-05-01T00:00:00Z".parse().unwrap();
        let opens = |code: &str| {
            fazhi_platform::time::china_date(
                rules.past_opens(&DivisionCode::parse(code).unwrap(), now),
            )
            .to_string()
        };
        assert_eq!(opens("411624100001"), "2025-01-01");
        assert_eq!(opens("411624101"), "2023-01-01");
        assert_eq!(opens("410102"), "2026-01-01");
    }
}
