//! Intake (受理): checking a new request and computing its deadlines.
//!
//! Reply deadlines count working days on the official calendar from the day
//! after receipt (defaults from Guangdong's 2022 rules: inquiry 2, help and
//! suggestion 10, complaint and report 15); urgent requests also owe a first
//! feedback within hours.

use chrono::{DateTime, Duration, Utc};
use fazhi_calendar::Calendar;
use fazhi_platform::Code;
use fazhi_platform::{
    DivisionCode, Error,
    text::{self, Lines},
    time,
};
use serde::{Deserialize, Serialize};

pub use super::rules::{ReplyDays, ReplyRules};
use super::{Channel, RequestType, Status, category_by_code};

pub const MAX_CONTENT_CHARS: usize = 5_000;
pub const MAX_ADDRESS_CHARS: usize = 500;
pub const MAX_NAME_CHARS: usize = 50;

/// A request as submitted, before any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaint {
    pub channel: Channel,
    pub request_type: RequestType,
    pub category: String,
    pub content: String,
    pub address: String,
    pub division_code: String,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub urgent: bool,
    /// A report about enforcement conduct: the unit (division) and the
    /// officer (account) it names, who must never handle nor read it.
    pub concerns_unit: Option<String>,
    pub concerns_officer: Option<String>,
}

/// Who made the request, when they gave it. Anonymous requests have none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Complainant {
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// A request on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub id: String,
    pub tracking_code: String,
    pub channel: Channel,
    pub request_type: RequestType,
    pub category: String,
    pub content: String,
    pub address: String,
    pub division_code: DivisionCode,
    pub complainant: Complainant,
    pub urgent: bool,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    pub reply_due: DateTime<Utc>,
    pub feedback_due: Option<DateTime<Utc>>,
    /// What the workflow has recorded since intake.
    pub handling: super::Handling,
    pub version: i64,
    /// The platform ticket this complaint is, when it was pushed.
    pub ticket: Option<Ticket>,
    /// When it last changed: intake, a step or a re-push.
    pub updated_at: DateTime<Utc>,
}

/// Another platform's ticket (a county 12345 platform's 工单), by which
/// that platform knows the complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The platform, as its integration is named (`county-12345`).
    pub source: String,
    /// The platform's own ticket number.
    pub external_id: String,
}

/// Checks a new request and records it as received at `received_at`.
pub fn intake(
    new: NewComplaint,
    received_at: DateTime<Utc>,
    calendar: &Calendar,
    rules: &ReplyRules,
    id: String,
    tracking_code: String,
) -> Result<Complaint, Error> {
    let content = text::required("content", &new.content, MAX_CONTENT_CHARS, Lines::Many)?;
    let address = text::required("address", &new.address, MAX_ADDRESS_CHARS, Lines::One)?;
    let category = category_by_code(new.category.trim()).ok_or_else(|| {
        Error::invalid_field(
            "category",
            Code::UnknownCategory,
            format!("category {:?} is not in the taxonomy", new.category),
        )
    })?;
    let division_code = DivisionCode::parse_field("division_code", &new.division_code)?;
    let name = text::optional(
        "complainant_name",
        new.complainant_name.as_deref(),
        MAX_NAME_CHARS,
        Lines::One,
    )?;
    let phone = new
        .complainant_phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(super::phone::normalize_phone)
        .transpose()?;

    let mut handling = super::Handling::default();
    if let Some(unit) = new
        .concerns_unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        handling.concerns_unit = Some(DivisionCode::parse_field("concerns_unit", unit)?);
    }
    // Kept in the one form names are compared in, so no spelling of the
    // officer's account name (case, full width) lets him read it.
    handling.concerns_officer = text::optional(
        "concerns_officer",
        new.concerns_officer.as_deref(),
        100,
        Lines::One,
    )?
    .map(|name| super::visibility::officer_key(&name));
    if (handling.concerns_unit.is_some() || handling.concerns_officer.is_some())
        && category.code != "enforcement_conduct"
    {
        return Err(Error::invalid_field(
            "concerns_unit",
            Code::InvalidArgument,
            "a unit or officer is named only in a report about enforcement conduct",
        ));
    }

    let received_on = time::china_date(received_at);
    let petition = new.channel == Channel::PetitionHall;
    // The first answer owed: for an urgent request within hours; for a
    // petition, whether it is accepted, within 15 days.
    let feedback_due = if petition {
        Some(time::end_of_china_day(
            received_on + Duration::days(i64::from(rules.petition_accept_days)),
        ))
    } else {
        new.urgent
            .then(|| received_at + Duration::hours(i64::from(rules.urgent_feedback_hours)))
    };

    let mut complaint = Complaint {
        id,
        tracking_code,
        channel: new.channel,
        request_type: new.request_type,
        category: category.code.to_owned(),
        content,
        address,
        division_code,
        complainant: Complainant { name, phone },
        urgent: new.urgent,
        status: Status::Received,
        received_at,
        reply_due: first_reply_due(
            new.channel,
            new.request_type,
            new.urgent,
            received_at,
            calendar,
            rules,
        ),
        feedback_due,
        handling,
        version: 1,
        ticket: None,
        updated_at: received_at,
    };
    complaint.handling.calendar_gap = super::workflow::outside_calendar(calendar, &complaint);
    Ok(complaint)
}

/// The reply due as intake sets it: hours for an urgent request, 60 days
/// for a petition-hall item, else the type's working days.
pub fn first_reply_due(
    channel: Channel,
    request_type: RequestType,
    urgent: bool,
    received_at: DateTime<Utc>,
    calendar: &Calendar,
    rules: &ReplyRules,
) -> DateTime<Utc> {
    let received_on = time::china_date(received_at);
    let petition = channel == Channel::PetitionHall;
    if urgent && !petition {
        return received_at + Duration::hours(i64::from(rules.urgent_reply_hours));
    }
    let due_day = if petition {
        // 信访工作条例: finished within 60 days, not the 12345 deadlines.
        received_on + Duration::days(i64::from(rules.petition_finish_days))
    } else {
        calendar.add_working_days(received_on, rules.reply_days(request_type))
    };
    time::end_of_china_day(due_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(request_type: RequestType) -> NewComplaint {
        NewComplaint {
            channel: Channel::Hotline12345,
            request_type,
            category: "illegal_construction".into(),
            content: "西关村有人在耕地上违法建房".into(),
            address: "老城镇西关村".into(),
            division_code: "411624100".into(),
            complainant_name: Some("张三".into()),
            complainant_phone: Some("13812341234".into()),
            urgent: false,
            concerns_unit: None,
            concerns_officer: None,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn take(new: NewComplaint, received_at: DateTime<Utc>) -> Result<Complaint, Error> {
        intake(
            new,
            received_at,
            &Calendar::official(),
            &ReplyRules::default(),
            "id".into(),
            "CODE".into(),
        )
    }

    #[test]
    fn a_complaint_before_national_day_is_due_fifteen_working_days_later() {
        // Thursday 28 Sep 2023, 10:00 in China.
        let complaint = take(request(RequestType::Complaint), at("2023-09-28T02:00:00Z")).unwrap();
        assert_eq!(
            time::to_rfc3339(complaint.reply_due),
            "2023-10-25T23:59:59+08:00"
        );
        assert_eq!(complaint.status, Status::Received);
        assert_eq!(complaint.version, 1);
    }

    #[test]
    fn each_request_type_has_its_default_reply_days() {
        // Monday 6 Nov 2023, an ordinary fortnight-plus with no holidays.
        let received = at("2023-11-06T02:00:00Z");
        for (request_type, due) in [
            (RequestType::Inquiry, "2023-11-08"),
            (RequestType::Help, "2023-11-20"),
            (RequestType::Suggestion, "2023-11-20"),
            (RequestType::Complaint, "2023-11-27"),
            (RequestType::Report, "2023-11-27"),
        ] {
            let complaint = take(request(request_type), received).unwrap();
            assert_eq!(
                time::to_rfc3339(complaint.reply_due),
                format!("{due}T23:59:59+08:00"),
                "{request_type}"
            );
        }
    }

    #[test]
    fn an_inquiry_is_due_in_two_working_days() {
        // Friday 3 Nov 2023 → Tuesday 7 Nov.
        let complaint = take(request(RequestType::Inquiry), at("2023-11-03T02:00:00Z")).unwrap();
        assert_eq!(
            time::to_rfc3339(complaint.reply_due),
            "2023-11-07T23:59:59+08:00"
        );
    }

    #[test]
    fn the_receipt_day_is_the_china_calendar_day() {
        // 23:30 UTC on Friday is already Saturday in China: counting starts Monday.
        let complaint = take(request(RequestType::Inquiry), at("2023-11-03T17:30:00Z")).unwrap();
        assert_eq!(
            time::to_rfc3339(complaint.reply_due),
            "2023-11-07T23:59:59+08:00"
        );
        let complaint = take(request(RequestType::Inquiry), at("2023-11-02T15:30:00Z")).unwrap();
        assert_eq!(
            time::to_rfc3339(complaint.reply_due),
            "2023-11-06T23:59:59+08:00",
            "received Thursday 23:30 in China"
        );
    }

    #[test]
    fn an_urgent_request_is_due_in_hours_not_working_days() {
        let mut new = request(RequestType::Complaint);
        new.urgent = true;
        // Friday evening before National Day week: still 24 hours.
        let received = at("2023-09-29T11:00:00Z");
        let complaint = take(new, received).unwrap();
        assert_eq!(complaint.reply_due, received + Duration::hours(24));
    }

    #[test]
    fn an_urgent_request_owes_feedback_within_two_hours() {
        let mut new = request(RequestType::Help);
        new.urgent = true;
        let complaint = take(new, at("2023-11-03T02:00:00Z")).unwrap();
        assert_eq!(complaint.feedback_due, Some(at("2023-11-03T04:00:00Z")));
        let calm = take(request(RequestType::Help), at("2023-11-03T02:00:00Z")).unwrap();
        assert_eq!(calm.feedback_due, None);
    }

    #[test]
    fn configured_reply_days_replace_the_defaults() {
        let rules = ReplyRules {
            reply_days: ReplyDays {
                complaint: 5,
                ..ReplyDays::default()
            },
            ..ReplyRules::default()
        };
        let complaint = intake(
            request(RequestType::Complaint),
            at("2023-11-06T02:00:00Z"),
            &Calendar::official(),
            &rules,
            "id".into(),
            "CODE".into(),
        )
        .unwrap();
        assert_eq!(
            time::to_rfc3339(complaint.reply_due),
            "2023-11-13T23:59:59+08:00"
        );
    }

    #[test]
    fn an_unknown_category_is_refused_naming_the_field() {
        let mut new = request(RequestType::Complaint);
        new.category = "ufo_sighting".into();
        let err = take(new, at("2023-11-03T02:00:00Z")).unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.code.as_str()),
            (Some("category"), "unknown_category")
        );
    }

    #[test]
    fn blank_content_is_refused() {
        let mut new = request(RequestType::Complaint);
        new.content = "   ".into();
        let err = take(new, at("2023-11-03T02:00:00Z")).unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.code.as_str()),
            (Some("content"), "required")
        );
    }

    #[test]
    fn overlong_content_is_refused() {
        let mut new = request(RequestType::Complaint);
        new.content = "违".repeat(MAX_CONTENT_CHARS + 1);
        let err = take(new, at("2023-11-03T02:00:00Z")).unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.code.as_str()),
            (Some("content"), "too_long")
        );
    }

    #[test]
    fn a_nul_character_is_refused() {
        let mut new = request(RequestType::Complaint);
        new.address = "西关\0村".into();
        let err = take(new, at("2023-11-03T02:00:00Z")).unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.code.as_str()),
            (Some("address"), "control_character")
        );
    }

    #[test]
    fn a_malformed_phone_number_is_refused() {
        let mut new = request(RequestType::Complaint);
        new.complainant_phone = Some("call me".into());
        let err = take(new, at("2023-11-03T02:00:00Z")).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("complainant_phone"));
    }

    #[test]
    fn an_anonymous_request_is_accepted() {
        let mut new = request(RequestType::Report);
        new.complainant_name = None;
        new.complainant_phone = Some("  ".into());
        let complaint = take(new, at("2023-11-03T02:00:00Z")).unwrap();
        assert_eq!(complaint.complainant, Complainant::default());
    }

    #[test]
    fn a_malformed_division_code_is_refused() {
        let mut new = request(RequestType::Complaint);
        new.division_code = "4116".into();
        let err = take(new, at("2023-11-03T02:00:00Z")).unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.code.as_str()),
            (Some("division_code"), "invalid_division_code")
        );
    }
}
