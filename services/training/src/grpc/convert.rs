//! Reading proto fields into checked values, and domain records into proto.
//! A proto enum value is the domain code in upper case behind the enum's
//! prefix (`EMPLOYMENT_CIVIL_SERVANT` is `civil_servant`), the same mapping
//! the REST edge uses; a date is a `fazhi.common.v1.Date`.

use chrono::NaiveDate;
use fazhi_platform::{Code, Error, privacy, time};
use fazhi_proto::{common::v1::Date, training::v1 as pb};

use crate::domain::{
    Audience, Certificate, CertificateStatus, Employment, ExamKind, NotCertified, Person,
    RankLevel, ReviewOutcome, TrainingKind,
};

/// ABORTED (409) unless the version the caller read is the current one.
pub(super) fn check_version(what: &str, current: i64, read: i64) -> Result<(), Error> {
    if current == read {
        return Ok(());
    }
    Err(Error::stale_version(what, current, read))
}

/// A day from the contract, checked (`time::date_from_proto`): a real
/// calendar day, not before 1990. Absent is `invalid_date`.
pub(super) fn date(field: &str, given: Option<&Date>) -> Result<NaiveDate, Error> {
    time::date_from_proto(field, given)
}

/// [`date`], or today when absent.
pub(super) fn date_or_today(
    field: &str,
    given: Option<&Date>,
    today: NaiveDate,
) -> Result<NaiveDate, Error> {
    match given {
        None => Ok(today),
        Some(_) => date(field, given),
    }
}

pub(super) fn date_proto(date: NaiveDate) -> Option<Date> {
    time::date_to_proto(date)
}

fazhi_platform::proto_enum!(
    employment,
    employment_proto,
    Employment,
    pb::Employment,
    "EMPLOYMENT_"
);
fazhi_platform::proto_enum!(
    training_kind,
    training_kind_proto,
    TrainingKind,
    pb::TrainingKind,
    "TRAINING_KIND_"
);
fazhi_platform::proto_enum!(
    exam_kind,
    exam_kind_proto,
    ExamKind,
    pb::ExamKind,
    "EXAM_KIND_"
);
fazhi_platform::proto_enum!(
    audience,
    audience_proto,
    Audience,
    pb::Audience,
    "AUDIENCE_"
);
fazhi_platform::proto_enum!(
    certificate_status,
    certificate_status_proto,
    CertificateStatus,
    pb::CertificateStatus,
    "CERTIFICATE_STATUS_"
);
fazhi_platform::proto_enum!(
    rank_level,
    rank_level_proto,
    RankLevel,
    pb::RankLevel,
    "RANK_LEVEL_"
);
pub(crate) use fazhi_platform::category::{from_proto as category, to_proto as category_proto};
fazhi_platform::proto_enum!(
    => review_outcome_proto,
    ReviewOutcome,
    pb::ReviewOutcome,
    "REVIEW_OUTCOME_"
);

/// The lower-case code of a proto enum value without its prefix
/// (`LIST_KIND_PEOPLE` → `people`), for enums with no domain counterpart.
pub(super) fn plain_code(name: Option<&'static str>, prefix: &str) -> Option<String> {
    name.and_then(|n| n.strip_prefix(prefix))
        .filter(|code| *code != "UNSPECIFIED")
        .map(str::to_ascii_lowercase)
}

pub(super) fn not_certified_proto(reason: NotCertified) -> i32 {
    pb::NotCertifiedReason::from_str_name(&format!(
        "NOT_CERTIFIED_REASON_{}",
        reason.code().to_ascii_uppercase()
    ))
    .map_or(0, |v| v as i32)
}

/// A number with at most one decimal, in tenths.
pub(super) fn tenths(field: &str, value: f64) -> Result<i64, Error> {
    let scaled = value * 10.0;
    let rounded = scaled.round();
    if !value.is_finite() || (scaled - rounded).abs() > 1e-6 || rounded.abs() > 1e9 {
        return Err(Error::invalid_field(
            field,
            Code::InvalidNumber,
            format!("{field} must be a number with at most one decimal"),
        ));
    }
    Ok(rounded as i64)
}

pub(super) fn from_tenths(value: i64) -> f64 {
    value as f64 / 10.0
}

pub(super) fn text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    fazhi_platform::text::required(field, value, max, fazhi_platform::text::Lines::One)
}

/// A person as `held_for` names it to the caller: the register's record a
/// held registration waits on, or empty.
pub(super) fn person_proto(p: &Person, held_for: String) -> pb::Person {
    pb::Person {
        held_for,
        id: p.id.clone(),
        division_code: p.division.to_string(),
        name: p.name.clone(),
        id_number: privacy::mask_id_number(&p.id_number),
        unit: p.unit.clone(),
        employment: employment_proto(p.employment),
        rank_level: p.rank_level.map_or(0, rank_level_proto),
        rank: p.rank.clone(),
        section_level: p.section_level,
        enforcement_post: p.enforcement_post,
        joined_on: p.joined_on.and_then(date_proto),
        legal_qualification: p.legal_qualification.clone().unwrap_or_default(),
        version: p.version,
    }
}

pub(super) fn certificate_proto(c: &Certificate) -> pb::Certificate {
    pb::Certificate {
        id: c.id.clone(),
        number: c.number.clone(),
        person_id: c.person_id.clone(),
        issued_on: date_proto(c.issued_on),
        valid_until: date_proto(c.valid_until),
        status: certificate_status_proto(c.status),
        status_since: date_proto(c.status_since),
        version: c.version,
        area_division_codes: c.competence.areas.iter().map(ToString::to_string).collect(),
        categories: c
            .competence
            .categories
            .iter()
            .map(|c| category_proto(*c))
            .collect(),
    }
}

pub(super) fn session_proto(s: &crate::domain::Session) -> pb::TrainingSession {
    pb::TrainingSession {
        id: s.id.clone(),
        division_code: s.division.to_string(),
        topic: s.topic.clone(),
        kind: training_kind_proto(s.kind),
        held_on: date_proto(s.held_on),
        attendance: s
            .attendance
            .iter()
            .map(|(person_id, hours)| pb::Attendance {
                person_id: person_id.clone(),
                hours: from_tenths(*hours),
            })
            .collect(),
    }
}

pub(super) fn exam_proto(e: &crate::domain::Exam) -> pb::Exam {
    pb::Exam {
        id: e.id.clone(),
        division_code: e.division.to_string(),
        kind: exam_kind_proto(e.kind),
        title: e.title.clone(),
        held_on: date_proto(e.held_on),
        pass_mark: Some(from_tenths(e.pass_mark)),
        excellent_mark: Some(from_tenths(e.excellent_mark)),
        results: e
            .results
            .iter()
            .map(|(person_id, score)| pb::ExamResult {
                person_id: person_id.clone(),
                score: score.map(from_tenths),
            })
            .collect(),
    }
}

pub(super) fn outreach_proto(e: &crate::domain::Outreach) -> pb::OutreachEvent {
    pb::OutreachEvent {
        id: e.id.clone(),
        division_code: e.division.to_string(),
        held_on: date_proto(e.held_on),
        theme: e.theme.clone(),
        audience: audience_proto(e.audience),
        materials: e.materials,
        people_reached: e.people_reached,
    }
}

/// The days of a period (inclusive); unbounded sides open.
pub(super) fn period_days(
    range: Option<&fazhi_proto::common::v1::TimeRange>,
) -> Result<(NaiveDate, NaiveDate), Error> {
    let period = time::period_from_proto(range, "period")?;
    let from = period.start.map_or(NaiveDate::MIN, time::china_date);
    let to = period.end.map_or(NaiveDate::MAX, |end| {
        time::china_date(end - chrono::Duration::microseconds(1))
    });
    Ok((from, to))
}

/// A page's size and the key it starts after.
pub(super) fn page(size: i32, token: &str) -> Result<(i64, String), Error> {
    fazhi_platform::paging::page(size, token)
}

pub(super) fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

pub(super) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
