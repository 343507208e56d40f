//! Training sessions, exams and outreach events.

use chrono::NaiveDate;
use fazhi_platform::proto_enum::given;
use fazhi_platform::{
    DivisionCode, Error,
    auth::{self, Caller, Permission},
};
use fazhi_proto::training::v1 as pb;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, Exam, ExamKind, Outreach, Session, TrainingKind};

pub(super) async fn record_training(
    api: &TrainingApi,
    request: Request<pb::RecordTrainingRequest>,
) -> Result<Response<pb::TrainingSession>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner().session.unwrap_or_default();
    let (division, topic, kind, held_on) = session_meta(&caller, &r, api.clock.today())?;
    let mut attendance = Vec::with_capacity(r.attendance.len());
    for (i, a) in r.attendance.iter().enumerate() {
        let field = format!("attendance[{i}].hours");
        attendance.push((
            a.person_id.clone(),
            domain::check_hours(&field, tenths(&field, a.hours)?)?,
        ));
    }
    let ids: Vec<String> = attendance.iter().map(|(p, _)| p.clone()).collect();
    api.attendees(&caller, "attendance", &ids).await?;
    let session = Session {
        id: new_id(),
        division,
        topic,
        kind,
        held_on,
        attendance,
    };
    api.store.insert_session(&session).await?;
    Ok(Response::new(session_proto(&session)))
}

pub(super) async fn list_training_sessions(
    api: &TrainingApi,
    request: Request<pb::ListTrainingSessionsRequest>,
) -> Result<Response<pb::ListTrainingSessionsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let (from, to) = period_days(r.period.as_ref())?;
    let kind = training_kind("kind", r.kind)?;
    let (limit, after) = page(r.page_size, &r.page_token)?;
    let mut sessions = api
        .store
        .sessions(&scope, (from, to), kind, &after, limit + 1)
        .await?;
    let next_page_token = fazhi_platform::paging::cut(&mut sessions, limit, |s| vec![s.id.clone()]);
    Ok(Response::new(pb::ListTrainingSessionsResponse {
        sessions: sessions.iter().map(session_proto).collect(),
        next_page_token,
    }))
}

pub(super) async fn record_exam(
    api: &TrainingApi,
    request: Request<pb::RecordExamRequest>,
) -> Result<Response<pb::Exam>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner().exam.unwrap_or_default();
    let meta = api.exam_meta(&caller, &r)?;
    let mut results = Vec::with_capacity(r.results.len());
    for (i, result) in r.results.iter().enumerate() {
        let field = format!("results[{i}].score");
        let score = result
            .score
            .map(|s| domain::check_score(&field, tenths(&field, s)?))
            .transpose()?;
        results.push((result.person_id.clone(), score));
    }
    let ids: Vec<String> = results.iter().map(|(p, _)| p.clone()).collect();
    api.attendees(&caller, "results", &ids).await?;
    let exam = meta.exam(results);
    api.store.insert_exam(&exam).await?;
    Ok(Response::new(exam_proto(&exam)))
}

pub(super) async fn list_exams(
    api: &TrainingApi,
    request: Request<pb::ListExamsRequest>,
) -> Result<Response<pb::ListExamsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let days = period_days(r.period.as_ref())?;
    let kind = exam_kind("kind", r.kind)?;
    let (limit, after) = page(r.page_size, &r.page_token)?;
    let mut exams = api
        .store
        .exams(&scope, days, kind, &after, limit + 1)
        .await?;
    let next_page_token = fazhi_platform::paging::cut(&mut exams, limit, |e| vec![e.id.clone()]);
    Ok(Response::new(pb::ListExamsResponse {
        exams: exams.iter().map(exam_proto).collect(),
        next_page_token,
    }))
}

pub(super) async fn list_outreach_events(
    api: &TrainingApi,
    request: Request<pb::ListOutreachEventsRequest>,
) -> Result<Response<pb::ListOutreachEventsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let days = period_days(r.period.as_ref())?;
    let (limit, after) = page(r.page_size, &r.page_token)?;
    let mut events = api.store.outreach(&scope, days, &after, limit + 1).await?;
    let next_page_token = fazhi_platform::paging::cut(&mut events, limit, |e| vec![e.id.clone()]);
    Ok(Response::new(pb::ListOutreachEventsResponse {
        events: events.iter().map(outreach_proto).collect(),
        next_page_token,
    }))
}

pub(super) async fn record_outreach(
    api: &TrainingApi,
    request: Request<pb::RecordOutreachRequest>,
) -> Result<Response<pb::OutreachEvent>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner().event.unwrap_or_default();
    let division = DivisionCode::parse_field("division_code", &r.division_code)?;
    caller.check_writes("division_code", &division)?;
    let held_on = domain::check_not_future(
        "held_on",
        date("held_on", r.held_on.as_ref())?,
        api.clock.today(),
    )?;
    let event = Outreach {
        id: new_id(),
        division,
        held_on,
        theme: text("theme", &r.theme, 200)?,
        audience: given("audience", audience("audience", r.audience)?)?,
        materials: domain::check_count("materials", r.materials)?,
        people_reached: domain::check_count("people_reached", r.people_reached)?,
    };
    api.store.insert_outreach(&event).await?;
    Ok(Response::new(outreach_proto(&event)))
}

/// The checked description of a session.
pub(super) fn session_meta(
    caller: &Caller,
    r: &pb::TrainingSession,
    today: NaiveDate,
) -> Result<(DivisionCode, String, TrainingKind, NaiveDate), Error> {
    let division = DivisionCode::parse_field("division_code", &r.division_code)?;
    caller.check_writes("division_code", &division)?;
    let topic = text("topic", &r.topic, 200)?;
    let kind = given("kind", training_kind("kind", r.kind)?)?;
    let held_on = domain::check_not_future("held_on", date("held_on", r.held_on.as_ref())?, today)?;
    Ok((division, topic, kind, held_on))
}

/// The checked description of an exam.
pub(super) struct ExamMeta {
    division: DivisionCode,
    kind: ExamKind,
    title: String,
    held_on: NaiveDate,
    pass_mark: i64,
    excellent_mark: i64,
}

impl ExamMeta {
    pub(super) fn exam(self, results: Vec<(String, Option<i64>)>) -> Exam {
        Exam {
            id: new_id(),
            division: self.division,
            kind: self.kind,
            title: self.title,
            held_on: self.held_on,
            pass_mark: self.pass_mark,
            excellent_mark: self.excellent_mark,
            results,
        }
    }
}

impl TrainingApi {
    pub(super) fn exam_meta(&self, caller: &Caller, r: &pb::Exam) -> Result<ExamMeta, Error> {
        let division = DivisionCode::parse_field("division_code", &r.division_code)?;
        caller.check_writes("division_code", &division)?;
        let kind = given("kind", exam_kind("kind", r.kind)?)?;
        let title = text("title", &r.title, 200)?;
        let held_on = domain::check_not_future(
            "held_on",
            date("held_on", r.held_on.as_ref())?,
            self.clock.today(),
        )?;
        let mark = |field: &str, given: Option<f64>, default: u32| -> Result<i64, Error> {
            match given {
                Some(value) => tenths(field, value),
                None => Ok(i64::from(default) * 10),
            }
        };
        let (pass_mark, excellent_mark) = domain::check_marks(
            mark("pass_mark", r.pass_mark, self.rules.pass_mark)?,
            mark(
                "excellent_mark",
                r.excellent_mark,
                self.rules.excellent_mark,
            )?,
        )?;
        Ok(ExamMeta {
            division,
            kind,
            title,
            held_on,
            pass_mark,
            excellent_mark,
        })
    }
}
