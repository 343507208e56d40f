//! The training service's REST bodies: the gateway's own types, written in
//! the one REST mapping (`edge::mapping`: enum codes in lower case, days as
//! `YYYY-MM-DD`) and converted to and from `fazhi.training.v1`. Every field
//! may be left out of a request (the service names what is missing).

use fazhi_proto::training::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::edge::{
    mapping::{code_from_name, date_from_rest, date_to_rest, enum_from_code},
    problem::Problem,
};

/// A proto enum of `fazhi.training.v1` read from (`read`) or written as
/// (`write`) its REST code.
macro_rules! rest_enum {
    (read $read:ident, $proto:ty, $prefix:literal) => {
        pub fn $read(field: &str, code: &str) -> Result<i32, Problem> {
            enum_from_code(field, code, $prefix, |name| {
                <$proto>::from_str_name(name).map(|v| v as i32)
            })
        }
    };
    (write $write:ident, $proto:ty, $prefix:literal) => {
        pub fn $write(value: i32) -> String {
            <$proto>::try_from(value)
                .ok()
                .filter(|v| *v as i32 != 0)
                .map(|v| code_from_name(v.as_str_name(), $prefix))
                .unwrap_or_default()
        }
    };
    ($read:ident, $write:ident, $proto:ty, $prefix:literal) => {
        rest_enum!(read $read, $proto, $prefix);
        rest_enum!(write $write, $proto, $prefix);
    };
}

rest_enum!(employment, employment_code, pb::Employment, "EMPLOYMENT_");
rest_enum!(
    training_kind,
    training_kind_code,
    pb::TrainingKind,
    "TRAINING_KIND_"
);
rest_enum!(exam_kind, exam_kind_code, pb::ExamKind, "EXAM_KIND_");
rest_enum!(audience, audience_code, pb::Audience, "AUDIENCE_");
rest_enum!(read list_kind, pb::ListKind, "LIST_KIND_");
rest_enum!(read file_format, pb::FileFormat, "FILE_FORMAT_");
rest_enum!(write status_code, pb::CertificateStatus, "CERTIFICATE_STATUS_");
rest_enum!(write outcome_code, pb::ReviewOutcome, "REVIEW_OUTCOME_");
rest_enum!(write reason_code, pb::NotCertifiedReason, "NOT_CERTIFIED_REASON_");

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Person {
    pub id: String,
    pub division_code: String,
    pub name: String,
    /// Masked (411624********123X).
    pub id_number: String,
    pub unit: String,
    /// civil_servant, public_institution or auxiliary.
    pub employment: String,
    pub rank: String,
    /// 科级以上.
    pub section_level: bool,
    pub enforcement_post: bool,
    pub version: i64,
    /// A registration whose ID number is on the county's register elsewhere
    /// is held for the county: this names that register record to a caller
    /// who sees it too, and is empty otherwise.
    pub held_for: String,
}

impl From<pb::Person> for Person {
    fn from(p: pb::Person) -> Self {
        Self {
            employment: employment_code(p.employment),
            id: p.id,
            division_code: p.division_code,
            name: p.name,
            id_number: p.id_number,
            unit: p.unit,
            rank: p.rank,
            section_level: p.section_level,
            enforcement_post: p.enforcement_post,
            version: p.version,
            held_for: p.held_for,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CreatePersonRequest {
    pub division_code: String,
    pub name: String,
    /// GB 11643 resident ID number (check digit verified).
    pub id_number: String,
    pub unit: String,
    /// civil_servant, public_institution or auxiliary.
    pub employment: String,
    pub rank: String,
    pub section_level: bool,
    pub enforcement_post: bool,
}

impl CreatePersonRequest {
    pub fn into_proto(self) -> Result<pb::CreatePersonRequest, Problem> {
        Ok(pb::CreatePersonRequest {
            person: Some(pb::Person {
                employment: employment("employment", &self.employment)?,
                division_code: self.division_code,
                name: self.name,
                id_number: self.id_number,
                unit: self.unit,
                rank: self.rank,
                section_level: self.section_level,
                enforcement_post: self.enforcement_post,
                ..Default::default()
            }),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ListPeopleResponse {
    pub people: Vec<Person>,
    pub next_page_token: String,
}

impl From<pb::ListPeopleResponse> for ListPeopleResponse {
    fn from(r: pb::ListPeopleResponse) -> Self {
        Self {
            people: r.people.into_iter().map(Person::from).collect(),
            next_page_token: r.next_page_token,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Attendance {
    pub person_id: String,
    /// 学时, at most one decimal; more than 0, at most 24.
    pub hours: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecordTrainingRequest {
    pub division_code: String,
    pub topic: String,
    /// in_person, online or special_topic.
    pub kind: String,
    pub held_on: String,
    pub attendance: Vec<Attendance>,
}

impl RecordTrainingRequest {
    /// The session it describes.
    pub fn session(self) -> Result<pb::TrainingSession, Problem> {
        Ok(pb::TrainingSession {
            id: String::new(),
            kind: training_kind("kind", &self.kind)?,
            held_on: date_from_rest("held_on", &self.held_on)?,
            division_code: self.division_code,
            topic: self.topic,
            attendance: self
                .attendance
                .into_iter()
                .map(|a| pb::Attendance {
                    person_id: a.person_id,
                    hours: a.hours,
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingSession {
    pub id: String,
    pub division_code: String,
    pub topic: String,
    pub kind: String,
    pub held_on: String,
    pub attendance: Vec<Attendance>,
}

impl From<pb::TrainingSession> for TrainingSession {
    fn from(s: pb::TrainingSession) -> Self {
        Self {
            kind: training_kind_code(s.kind),
            held_on: date_to_rest(s.held_on.as_ref()),
            id: s.id,
            division_code: s.division_code,
            topic: s.topic,
            attendance: s
                .attendance
                .into_iter()
                .map(|a| Attendance {
                    person_id: a.person_id,
                    hours: a.hours,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExamResult {
    pub person_id: String,
    /// 0 to 100, at most one decimal; absent when registered but not sitting.
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecordExamRequest {
    pub division_code: String,
    /// qualification, annual_review, law_study or new_law.
    pub kind: String,
    pub title: String,
    pub held_on: String,
    /// Default from the rules (60 and 90) when absent.
    pub pass_mark: Option<f64>,
    pub excellent_mark: Option<f64>,
    pub results: Vec<ExamResult>,
}

impl RecordExamRequest {
    /// The exam it describes.
    pub fn exam(self) -> Result<pb::Exam, Problem> {
        Ok(pb::Exam {
            id: String::new(),
            kind: exam_kind("kind", &self.kind)?,
            held_on: date_from_rest("held_on", &self.held_on)?,
            division_code: self.division_code,
            title: self.title,
            pass_mark: self.pass_mark,
            excellent_mark: self.excellent_mark,
            results: self
                .results
                .into_iter()
                .map(|r| pb::ExamResult {
                    person_id: r.person_id,
                    score: r.score,
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Exam {
    pub id: String,
    pub division_code: String,
    pub kind: String,
    pub title: String,
    pub held_on: String,
    pub pass_mark: f64,
    pub excellent_mark: f64,
    pub results: Vec<ExamResult>,
}

impl From<pb::Exam> for Exam {
    fn from(e: pb::Exam) -> Self {
        Self {
            kind: exam_kind_code(e.kind),
            held_on: date_to_rest(e.held_on.as_ref()),
            id: e.id,
            division_code: e.division_code,
            title: e.title,
            pass_mark: e.pass_mark.unwrap_or_default(),
            excellent_mark: e.excellent_mark.unwrap_or_default(),
            results: e
                .results
                .into_iter()
                .map(|r| ExamResult {
                    person_id: r.person_id,
                    score: r.score,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Certificate {
    pub id: String,
    pub number: String,
    pub person_id: String,
    pub issued_on: String,
    pub valid_until: String,
    /// active, suspended, revoked or expired.
    pub status: String,
    pub status_since: String,
    pub version: i64,
}

impl From<pb::Certificate> for Certificate {
    fn from(c: pb::Certificate) -> Self {
        Self {
            issued_on: date_to_rest(c.issued_on.as_ref()),
            valid_until: date_to_rest(c.valid_until.as_ref()),
            status: status_code(c.status),
            status_since: date_to_rest(c.status_since.as_ref()),
            id: c.id,
            number: c.number,
            person_id: c.person_id,
            version: c.version,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IssueCertificateRequest {
    pub person_id: String,
    /// Unique certificate number (执法证号).
    pub number: String,
    pub issued_on: String,
}

impl IssueCertificateRequest {
    pub fn into_proto(self) -> Result<pb::IssueCertificateRequest, Problem> {
        Ok(pb::IssueCertificateRequest {
            certificate: Some(pb::Certificate {
                issued_on: date_from_rest("issued_on", &self.issued_on)?,
                person_id: self.person_id,
                number: self.number,
                ..Default::default()
            }),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IsCertifiedResponse {
    pub certified: bool,
    /// The certificate number when certified.
    pub certificate_number: String,
    /// When not: no_certificate, not_yet_issued, expired, suspended or revoked.
    pub reason: String,
}

impl From<pb::IsCertifiedResponse> for IsCertifiedResponse {
    fn from(r: pb::IsCertifiedResponse) -> Self {
        Self {
            certified: r.certified,
            certificate_number: r.certificate_number,
            reason: reason_code(r.reason),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunAnnualReviewRequest {
    pub division_code: String,
    pub year: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewDecision {
    pub certificate_id: String,
    pub certificate_number: String,
    pub person_id: String,
    /// passed, suspended or revoked.
    pub outcome: String,
    /// Whether this run changed it (false: decided by an earlier run).
    pub changed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunAnnualReviewResponse {
    pub decisions: Vec<ReviewDecision>,
}

impl From<pb::RunAnnualReviewResponse> for RunAnnualReviewResponse {
    fn from(r: pb::RunAnnualReviewResponse) -> Self {
        Self {
            decisions: r
                .decisions
                .into_iter()
                .map(|d| ReviewDecision {
                    outcome: outcome_code(d.outcome),
                    certificate_id: d.certificate_id,
                    certificate_number: d.certificate_number,
                    person_id: d.person_id,
                    changed: d.changed,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecordOutreachRequest {
    pub division_code: String,
    pub held_on: String,
    /// e.g. 12·4 national constitution day.
    pub theme: String,
    /// school, village, community, enterprise or other.
    pub audience: String,
    pub materials: i64,
    pub people_reached: i64,
}

impl RecordOutreachRequest {
    pub fn into_proto(self) -> Result<pb::RecordOutreachRequest, Problem> {
        Ok(pb::RecordOutreachRequest {
            event: Some(pb::OutreachEvent {
                id: String::new(),
                held_on: date_from_rest("held_on", &self.held_on)?,
                audience: audience("audience", &self.audience)?,
                division_code: self.division_code,
                theme: self.theme,
                materials: self.materials,
                people_reached: self.people_reached,
            }),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutreachEvent {
    pub id: String,
    pub division_code: String,
    pub held_on: String,
    pub theme: String,
    pub audience: String,
    pub materials: i64,
    pub people_reached: i64,
}

impl From<pb::OutreachEvent> for OutreachEvent {
    fn from(e: pb::OutreachEvent) -> Self {
        Self {
            held_on: date_to_rest(e.held_on.as_ref()),
            audience: audience_code(e.audience),
            id: e.id,
            division_code: e.division_code,
            theme: e.theme,
            materials: e.materials,
            people_reached: e.people_reached,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExamKindStats {
    pub kind: String,
    /// Registered for an exam of this kind in the period.
    pub registered: i64,
    pub sat: i64,
    pub passed: i64,
    pub excellent: i64,
    /// sat ÷ registered, passed ÷ sat, excellent ÷ sat (0 when there is nobody).
    pub participation_rate: f64,
    pub pass_rate: f64,
    pub excellent_rate: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingStats {
    /// People on record.
    pub people: i64,
    /// People in an enforcement post.
    pub enforcement_staff: i64,
    /// People holding an active certificate at the end of the period (持证人数).
    pub certificate_holders: i64,
    /// Of those, at section level and above (科级以上).
    pub certificate_holders_section_level: i64,
    /// Enforcement staff holding a certificate ÷ enforcement staff.
    pub certification_rate: f64,
    /// Certificates reviewed for the years of the period, and those passed.
    pub annual_review_takers: i64,
    pub annual_review_passed: i64,
    /// 学时 attended in the period by enforcement staff, per person.
    pub training_hours_per_person: f64,
    /// Share of enforcement staff meeting the yearly hours in the period.
    pub training_requirement_met_rate: f64,
    pub exams: Vec<ExamKindStats>,
    pub outreach_events: i64,
    pub outreach_materials: i64,
    pub outreach_people_reached: i64,
}

impl From<pb::TrainingStats> for TrainingStats {
    fn from(s: pb::TrainingStats) -> Self {
        Self {
            people: s.people,
            enforcement_staff: s.enforcement_staff,
            certificate_holders: s.certificate_holders,
            certificate_holders_section_level: s.certificate_holders_section_level,
            certification_rate: s.certification_rate,
            annual_review_takers: s.annual_review_takers,
            annual_review_passed: s.annual_review_passed,
            training_hours_per_person: s.training_hours_per_person,
            training_requirement_met_rate: s.training_requirement_met_rate,
            exams: s
                .exams
                .into_iter()
                .map(|e| ExamKindStats {
                    kind: exam_kind_code(e.kind),
                    registered: e.registered,
                    sat: e.sat,
                    passed: e.passed,
                    excellent: e.excellent,
                    participation_rate: e.participation_rate,
                    pass_rate: e.pass_rate,
                    excellent_rate: e.excellent_rate,
                })
                .collect(),
            outreach_events: s.outreach_events,
            outreach_materials: s.outreach_materials,
            outreach_people_reached: s.outreach_people_reached,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RowProblem {
    /// 1-based row in the file; the header is row 1.
    pub row: i64,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: i64,
    /// Rows written: all of them, or none when any is rejected.
    pub imported: i64,
    pub rejected: Vec<RowProblem>,
    /// The session or exam created, for attendance and results.
    pub created_id: String,
}

impl From<pb::ImportReport> for ImportReport {
    fn from(r: pb::ImportReport) -> Self {
        Self {
            rows: r.rows,
            imported: r.imported,
            rejected: r
                .rejected
                .into_iter()
                .map(|p| RowProblem {
                    row: p.row,
                    field: p.field,
                    message: p.message,
                })
                .collect(),
            created_id: r.created_id,
        }
    }
}
