//! Training sessions, exams and outreach events over REST.

use fazhi_proto::training::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::edge::{
    mapping::{date_from_rest, date_to_rest},
    problem::Problem,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    pub person_id: String,
    /// 学时, at most one decimal; more than 0, at most 24.
    pub hours: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordTrainingRequest {
    #[schema(example = "411624100")]
    pub division_code: String,
    pub topic: String,
    /// in_person, online or special_topic.
    #[schema(value_type = crate::rest::codes::TrainingKind)]
    pub kind: String,
    #[schema(format = Date, example = "2023-11-20")]
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

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrainingSession {
    pub id: String,
    #[schema(example = "411624100")]
    pub division_code: String,
    pub topic: String,
    #[schema(value_type = crate::rest::codes::TrainingKind)]
    pub kind: String,
    #[schema(format = Date, example = "2023-11-20")]
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

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListTrainingSessionsResponse {
    pub sessions: Vec<TrainingSession>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl From<pb::ListTrainingSessionsResponse> for ListTrainingSessionsResponse {
    fn from(r: pb::ListTrainingSessionsResponse) -> Self {
        Self {
            sessions: r.sessions.into_iter().map(TrainingSession::from).collect(),
            next_page_token: next_page(r.next_page_token),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListExamsResponse {
    pub exams: Vec<Exam>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl From<pb::ListExamsResponse> for ListExamsResponse {
    fn from(r: pb::ListExamsResponse) -> Self {
        Self {
            exams: r.exams.into_iter().map(Exam::from).collect(),
            next_page_token: next_page(r.next_page_token),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListOutreachEventsResponse {
    pub events: Vec<OutreachEvent>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl From<pb::ListOutreachEventsResponse> for ListOutreachEventsResponse {
    fn from(r: pb::ListOutreachEventsResponse) -> Self {
        Self {
            events: r.events.into_iter().map(OutreachEvent::from).collect(),
            next_page_token: next_page(r.next_page_token),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamResult {
    pub person_id: String,
    /// 0 to 100, at most one decimal; absent when registered but not sitting.
    #[serde(default)]
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordExamRequest {
    #[schema(example = "411624100")]
    pub division_code: String,
    /// qualification, annual_review, law_study or new_law.
    #[schema(value_type = crate::rest::codes::ExamKind)]
    pub kind: String,
    pub title: String,
    #[schema(format = Date, example = "2023-11-20")]
    pub held_on: String,
    /// Default from the rules (60 and 90) when absent.
    #[serde(default)]
    pub pass_mark: Option<f64>,
    #[serde(default)]
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

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Exam {
    pub id: String,
    #[schema(example = "411624100")]
    pub division_code: String,
    #[schema(value_type = crate::rest::codes::ExamKind)]
    pub kind: String,
    pub title: String,
    #[schema(format = Date, example = "2023-11-20")]
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

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordOutreachRequest {
    #[schema(example = "411624100")]
    pub division_code: String,
    #[schema(format = Date, example = "2023-11-20")]
    pub held_on: String,
    /// e.g. 12·4 national constitution day.
    pub theme: String,
    /// school, village, community, enterprise or other.
    #[schema(value_type = crate::rest::codes::Audience)]
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

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OutreachEvent {
    pub id: String,
    #[schema(example = "411624100")]
    pub division_code: String,
    #[schema(format = Date, example = "2023-11-20")]
    pub held_on: String,
    pub theme: String,
    #[schema(value_type = crate::rest::codes::Audience)]
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
