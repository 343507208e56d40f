//! gRPC adapter: proto ↔ domain, scope checks, and store calls.

use chrono::{Datelike, Duration, NaiveDate};
use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    auth::{self, Caller, Permission},
    paging, privacy, time,
};
use fazhi_proto::training::v1::{self as pb, training_service_server::TrainingService};
use tonic::{Request, Response, Status};

use crate::{
    domain::{
        self, Certificate, CertificateStatus, ExamKind, NewPerson, Person, TrainingKind,
        TrainingRules, Transition,
    },
    lists::{self, RowProblem},
    sheet::{self, Format},
    store::{Exam, Outreach, Session, Store},
};

/// Longest id worth looking up.
const MAX_ID_LEN: usize = 64;
/// Most attendees or results in one call.
const MAX_ROWS: usize = 20_000;

/// Imports read at once; each holds a whole file and its rows in memory.
const CONCURRENT_IMPORTS: usize = 2;

pub struct TrainingApi {
    store: Store,
    rules: TrainingRules,
    imports: std::sync::Arc<tokio::sync::Semaphore>,
}

impl TrainingApi {
    pub fn new(store: Store, rules: TrainingRules) -> Self {
        Self {
            store,
            rules,
            imports: std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_IMPORTS)),
        }
    }

    /// The person, if it exists within the caller's divisions (NOT_FOUND otherwise).
    async fn person_in_scope(&self, caller: &Caller, id: &str) -> Result<Person, Error> {
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Err(Error::not_found("person"));
        }
        self.store
            .person(id)
            .await?
            .filter(|p| caller.sees(&p.division))
            .ok_or_else(|| Error::not_found("person"))
    }

    /// `p` as the caller may read it. A held registration names the record
    /// it waits on only to a caller who sees that record too (the county);
    /// to anyone else it reads as any other.
    async fn person_view(&self, caller: &Caller, p: &Person) -> Result<pb::Person, Error> {
        let held_for = match &p.held_for {
            None => String::new(),
            Some(id) => self
                .store
                .person(id)
                .await?
                .filter(|on_register| caller.sees(&on_register.division))
                .map(|on_register| on_register.id)
                .unwrap_or_default(),
        };
        Ok(person_proto(p, held_for))
    }

    async fn certificate_in_scope(&self, caller: &Caller, id: &str) -> Result<Certificate, Error> {
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Err(Error::not_found("certificate"));
        }
        let certificate = self
            .store
            .certificate(id)
            .await?
            .ok_or_else(|| Error::not_found("certificate"))?;
        self.person_in_scope(caller, &certificate.person_id)
            .await
            .map_err(|_| Error::not_found("certificate"))?;
        Ok(certificate)
    }

    /// Checks that every id names a person of the caller's divisions, once.
    async fn attendees(&self, caller: &Caller, field: &str, ids: &[String]) -> Result<(), Error> {
        if ids.is_empty() || ids.len() > MAX_ROWS {
            return Err(Error::invalid_field(
                field,
                "invalid_count",
                format!("{field} must list 1 to {MAX_ROWS} people"),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(id) {
                return Err(Error::invalid_field(
                    format!("{field}[{i}].person_id"),
                    "duplicate_person",
                    format!("person {id} is listed twice"),
                ));
            }
        }
        let found = self.store.people_in(&caller.scope, ids).await?;
        if let Some((i, id)) = ids.iter().enumerate().find(|(_, id)| !found.contains(*id)) {
            return Err(Error::invalid_field(
                format!("{field}[{i}].person_id"),
                "unknown_person",
                format!("no person {id} in your divisions"),
            ));
        }
        Ok(())
    }

    async fn transition(
        &self,
        request: Request<pb::CertificateTransitionRequest>,
        transition: Transition,
    ) -> Result<Response<pb::Certificate>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::CertificateManage)?;
        let r = request.into_inner();
        let on = date_or_today("on", &r.on)?;
        let certificate = self
            .certificate_in_scope(&caller, &r.certificate_id)
            .await?;
        check_version("certificate", certificate.version, r.version)?;
        let on = domain::check_transition_date(&certificate, on, today())?;
        let status = domain::transition(&certificate, transition, on)?;
        let changed = self.store.set_status(&certificate, status, on).await?;
        tracing::info!(certificate = %changed.id, status = %changed.status, "certificate status changed");
        Ok(Response::new(certificate_proto(&changed)))
    }
}

/// A file refused as a whole (by its header), with the report saying why.
type Refused = Box<pb::ImportReport>;

/// The checked description of a session.
fn session_meta(
    caller: &Caller,
    r: &pb::RecordTrainingRequest,
) -> Result<(DivisionCode, String, TrainingKind, NaiveDate), Error> {
    let division = DivisionCode::parse_field("division_code", &r.division_code)?;
    caller.check_writes("division_code", &division)?;
    let topic = text("topic", &r.topic, 200)?;
    let kind = code(
        "kind",
        &r.kind,
        TrainingKind::from_code,
        "in_person, online, special_topic",
    )?;
    let held_on = domain::check_not_future("held_on", parse_date("held_on", &r.held_on)?, today())?;
    Ok((division, topic, kind, held_on))
}

/// The checked description of an exam.
struct ExamMeta {
    division: DivisionCode,
    kind: ExamKind,
    title: String,
    held_on: NaiveDate,
    pass_mark: i64,
    excellent_mark: i64,
}

impl ExamMeta {
    fn exam(self, results: Vec<(String, Option<i64>)>) -> Exam {
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
    fn exam_meta(&self, caller: &Caller, r: &pb::RecordExamRequest) -> Result<ExamMeta, Error> {
        let division = DivisionCode::parse_field("division_code", &r.division_code)?;
        caller.check_writes("division_code", &division)?;
        let kind = code(
            "kind",
            &r.kind,
            ExamKind::from_code,
            "qualification, annual_review, law_study, new_law",
        )?;
        let title = text("title", &r.title, 200)?;
        let held_on =
            domain::check_not_future("held_on", parse_date("held_on", &r.held_on)?, today())?;
        let mark = |field: &str, given: Option<f64>, default: u32| -> Result<i64, Error> {
            match given {
                Some(value) => domain::check_score(field, tenths(field, value)?),
                None => Ok(i64::from(default) * 10),
            }
        };
        let pass_mark = mark("pass_mark", r.pass_mark, self.rules.pass_mark)?;
        let excellent_mark = mark(
            "excellent_mark",
            r.excellent_mark,
            self.rules.excellent_mark,
        )?;
        if excellent_mark < pass_mark {
            return Err(Error::invalid_field(
                "excellent_mark",
                "invalid_marks",
                "excellent_mark must not be below pass_mark",
            ));
        }
        Ok(ExamMeta {
            division,
            kind,
            title,
            held_on,
            pass_mark,
            excellent_mark,
        })
    }

    /// The file's rows after its header is checked, or the report refusing it.
    async fn sheet(
        &self,
        format: &str,
        content: Vec<u8>,
        columns: lists::Columns,
    ) -> Result<Result<Vec<lists::Row>, Refused>, Error> {
        let format = code("format", format, Format::from_code, "csv, xlsx")?;
        let _reading = self.imports.clone().try_acquire_owned().map_err(|_| {
            Error::new(
                ErrorKind::ResourceExhausted,
                "imports_busy",
                "other lists are being imported; retry in a moment",
            )
        })?;
        // Parsing a large file is CPU work: keep it off the async workers.
        let rows = tokio::task::spawn_blocking(move || sheet::read(format, &content))
            .await
            .map_err(Error::internal)??;
        Ok(match lists::check_header(&rows, columns) {
            Ok(()) => Ok(rows),
            Err(problem) => Err(Box::new(report(
                rows.len().saturating_sub(1),
                0,
                vec![problem],
                "",
            ))),
        })
    }
}

fn report(
    rows: usize,
    imported: usize,
    problems: Vec<RowProblem>,
    created: &str,
) -> pb::ImportReport {
    let mut rejected: Vec<pb::RowProblem> = problems
        .into_iter()
        .map(|p| pb::RowProblem {
            row: p.row as i64,
            field: p.field,
            message: p.message,
        })
        .collect();
    rejected.sort_by_key(|p| p.row);
    pb::ImportReport {
        rows: rows as i64,
        imported: imported as i64,
        rejected,
        created_id: created.to_owned(),
    }
}

impl TrainingApi {
    /// Person ids by ID number for the (row, ID number) pairs of a list,
    /// adding a problem for each ID number listed twice or naming nobody in
    /// the caller's divisions.
    async fn known_people(
        &self,
        caller: &Caller,
        listed: &[(usize, &String)],
        problems: &mut Vec<RowProblem>,
    ) -> Result<std::collections::HashMap<String, String>, Error> {
        problems.extend(lists::duplicates(
            listed.iter().map(|(row, id)| (*row, id.as_str())),
        ));
        let ids: Vec<String> = listed.iter().map(|(_, id)| (*id).clone()).collect();
        let known = self.store.ids_by_id_number(&caller.scope, &ids).await?;
        problems.extend(
            listed
                .iter()
                .filter(|(_, id)| !known.contains_key(*id))
                .map(|(row, _)| RowProblem {
                    row: *row,
                    field: "id_number".into(),
                    message: "nobody with this ID number is on record in your divisions".into(),
                }),
        );
        Ok(known)
    }
}

/// ABORTED (409) unless the version the caller read is the current one.
fn check_version(what: &str, current: i64, read: i64) -> Result<(), Error> {
    if current == read {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Conflict,
        "version_conflict",
        format!("the {what} is at version {current}, not {read}"),
    ))
}

/// Records (training, exams, certificates, outreach) are dated from this
/// day on; an earlier date is a typing slip (year 0001), not a record. Dates
/// after today are refused where a record cannot lie ahead.
const EARLIEST_DATE: (i32, u32, u32) = (1990, 1, 1);

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, Error> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Error::invalid_field(
            field,
            "invalid_date",
            format!("{field} must be a date like 2023-11-20"),
        )
    })?;
    let (y, m, d) = EARLIEST_DATE;
    let earliest = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    if date < earliest {
        return Err(Error::invalid_field(
            field,
            "date_out_of_range",
            format!("{field} must not be before {earliest}"),
        ));
    }
    Ok(date)
}

fn today() -> NaiveDate {
    time::china_date(time::now())
}

fn date_or_today(field: &str, text: &str) -> Result<NaiveDate, Error> {
    if text.is_empty() {
        Ok(today())
    } else {
        parse_date(field, text)
    }
}

/// A number with at most one decimal, in tenths.
fn tenths(field: &str, value: f64) -> Result<i64, Error> {
    let scaled = value * 10.0;
    let rounded = scaled.round();
    if !value.is_finite() || (scaled - rounded).abs() > 1e-6 || rounded.abs() > 1e9 {
        return Err(Error::invalid_field(
            field,
            "invalid_number",
            format!("{field} must be a number with at most one decimal"),
        ));
    }
    Ok(rounded as i64)
}

fn from_tenths(value: i64) -> f64 {
    value as f64 / 10.0
}

fn text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    fazhi_platform::text::required(field, value, max, fazhi_platform::text::Lines::One)
}

fn code<T>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    codes: &str,
) -> Result<T, Error> {
    parse(value).ok_or_else(|| {
        Error::invalid_field(
            field,
            "unknown_code",
            format!("{field} must be one of {codes}"),
        )
    })
}

/// A person as `held_for` names it to the caller: the register's record a
/// held registration waits on, or empty.
fn person_proto(p: &Person, held_for: String) -> pb::Person {
    pb::Person {
        held_for,
        id: p.id.clone(),
        division_code: p.division.to_string(),
        name: p.name.clone(),
        id_number: privacy::mask_id_number(&p.id_number),
        unit: p.unit.clone(),
        employment: p.employment.code().into(),
        rank: p.rank.clone(),
        section_level: p.section_level,
        enforcement_post: p.enforcement_post,
        version: p.version,
    }
}

fn certificate_proto(c: &Certificate) -> pb::Certificate {
    pb::Certificate {
        id: c.id.clone(),
        number: c.number.clone(),
        person_id: c.person_id.clone(),
        issued_on: c.issued_on.to_string(),
        valid_until: c.valid_until.to_string(),
        status: c.status.code().into(),
        status_since: c.status_since.to_string(),
        version: c.version,
    }
}

fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[tonic::async_trait]
impl TrainingService for TrainingApi {
    async fn create_person(
        &self,
        request: Request<pb::CreatePersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let person = domain::new_person(
            NewPerson {
                division_code: r.division_code,
                name: r.name,
                id_number: r.id_number,
                unit: r.unit,
                employment: r.employment,
                rank: r.rank,
                section_level: r.section_level,
                enforcement_post: r.enforcement_post,
            },
            new_id(),
        )?;
        caller.check_writes("division_code", &person.division)?;
        let records = self
            .store
            .registrations(std::slice::from_ref(&person.id_number))
            .await?;
        let person = Person {
            held_for: domain::admit(&person.id_number, &records, |d| caller.sees(d))?,
            ..person
        };
        self.store.insert_person(&caller, &person).await?;
        Ok(Response::new(person_proto(&person, String::new())))
    }

    async fn get_person(
        &self,
        request: Request<pb::GetPersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingRead)?;
        let person = self
            .person_in_scope(&caller, &request.into_inner().id)
            .await?;
        Ok(Response::new(self.person_view(&caller, &person).await?))
    }

    async fn list_people(
        &self,
        request: Request<pb::ListPeopleRequest>,
    ) -> Result<Response<pb::ListPeopleResponse>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingRead)?;
        let r = request.into_inner();
        let scope = caller.narrow(
            "division_code",
            DivisionCode::parse_optional_field("division_code", &r.division_code)?,
        )?;
        let limit = paging::page_size(r.page_size)?;
        let after = paging::decode_token(&r.page_token, 1)?
            .map(|p| p[0].clone())
            .unwrap_or_default();
        let mut people = self.store.people(&scope, &after, limit + 1).await?;
        let next_page_token = paging::cut(&mut people, limit, |p| vec![p.id.clone()]);
        let mut views = Vec::with_capacity(people.len());
        for p in &people {
            views.push(self.person_view(&caller, p).await?);
        }
        Ok(Response::new(pb::ListPeopleResponse {
            people: views,
            next_page_token,
        }))
    }

    async fn leave_post(
        &self,
        request: Request<pb::LeavePostRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let on = date_or_today("on", &r.on)?;
        let person = self.person_in_scope(&caller, &r.person_id).await?;
        check_version("person", person.version, r.version)?;
        let person = self.store.leave_post(&person, on).await?;
        Ok(Response::new(self.person_view(&caller, &person).await?))
    }

    async fn record_training(
        &self,
        request: Request<pb::RecordTrainingRequest>,
    ) -> Result<Response<pb::TrainingSession>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let (division, topic, kind, held_on) = session_meta(&caller, &r)?;
        let mut attendance = Vec::with_capacity(r.attendance.len());
        for (i, a) in r.attendance.iter().enumerate() {
            let field = format!("attendance[{i}].hours");
            attendance.push((
                a.person_id.clone(),
                domain::check_hours(&field, tenths(&field, a.hours)?)?,
            ));
        }
        let ids: Vec<String> = attendance.iter().map(|(p, _)| p.clone()).collect();
        self.attendees(&caller, "attendance", &ids).await?;
        let session = Session {
            id: new_id(),
            division,
            topic,
            kind,
            held_on,
            attendance,
        };
        self.store.insert_session(&session).await?;
        Ok(Response::new(pb::TrainingSession {
            id: session.id,
            division_code: session.division.to_string(),
            topic: session.topic,
            kind: kind.code().into(),
            held_on: held_on.to_string(),
            attendance: session
                .attendance
                .iter()
                .map(|(person_id, hours)| pb::Attendance {
                    person_id: person_id.clone(),
                    hours: from_tenths(*hours),
                })
                .collect(),
        }))
    }

    async fn record_exam(
        &self,
        request: Request<pb::RecordExamRequest>,
    ) -> Result<Response<pb::Exam>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let meta = self.exam_meta(&caller, &r)?;
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
        self.attendees(&caller, "results", &ids).await?;
        let exam = meta.exam(results);
        self.store.insert_exam(&exam).await?;
        Ok(Response::new(pb::Exam {
            id: exam.id,
            division_code: exam.division.to_string(),
            kind: exam.kind.code().into(),
            title: exam.title,
            held_on: exam.held_on.to_string(),
            pass_mark: from_tenths(exam.pass_mark),
            excellent_mark: from_tenths(exam.excellent_mark),
            results: exam
                .results
                .iter()
                .map(|(person_id, score)| pb::ExamResult {
                    person_id: person_id.clone(),
                    score: score.map(from_tenths),
                })
                .collect(),
        }))
    }

    async fn issue_certificate(
        &self,
        request: Request<pb::IssueCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::CertificateManage)?;
        let r = request.into_inner();
        let number = text("number", &r.number, 50)?;
        let issued_on = domain::check_not_future(
            "issued_on",
            date_or_today("issued_on", &r.issued_on)?,
            today(),
        )?;
        let person = self.person_in_scope(&caller, &r.person_id).await?;
        let sittings = self.store.sittings(&person.id).await?;
        let held = self.store.certificates(&person.id).await?;
        let barred_until = self
            .store
            .last_review_revocation(&person.id)
            .await?
            .map(|on| domain::reissue_bar_until(on, &self.rules));
        domain::check_issue(
            &person,
            &sittings,
            &held,
            barred_until,
            issued_on,
            &self.rules,
        )?;
        let certificate = Certificate {
            id: new_id(),
            number,
            person_id: person.id.clone(),
            issued_on,
            valid_until: domain::valid_until(issued_on, &self.rules),
            status: CertificateStatus::Active,
            status_since: issued_on,
            version: 1,
        };
        self.store.insert_certificate(&certificate).await?;
        tracing::info!(certificate = %certificate.id, person = %person.id, "certificate issued");
        Ok(Response::new(certificate_proto(&certificate)))
    }

    async fn get_certificate(
        &self,
        request: Request<pb::GetCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingRead)?;
        let certificate = self
            .certificate_in_scope(&caller, &request.into_inner().id)
            .await?;
        Ok(Response::new(certificate_proto(&certificate)))
    }

    async fn suspend_certificate(
        &self,
        request: Request<pb::CertificateTransitionRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        self.transition(request, Transition::Suspend).await
    }

    async fn reinstate_certificate(
        &self,
        request: Request<pb::CertificateTransitionRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        self.transition(request, Transition::Reinstate).await
    }

    async fn revoke_certificate(
        &self,
        request: Request<pb::CertificateTransitionRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        self.transition(request, Transition::Revoke).await
    }

    async fn expire_certificate(
        &self,
        request: Request<pb::CertificateTransitionRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        self.transition(request, Transition::Expire).await
    }

    async fn is_certified(
        &self,
        request: Request<pb::IsCertifiedRequest>,
    ) -> Result<Response<pb::IsCertifiedResponse>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingRead)?;
        let r = request.into_inner();
        let on = date_or_today("on", &r.on)?;
        let person = self.person_in_scope(&caller, &r.person_id).await?;
        let held = self.store.certificates_with_history(&person.id).await?;
        Ok(Response::new(match domain::certified_on(&held, on) {
            Ok(certificate_number) => pb::IsCertifiedResponse {
                certified: true,
                certificate_number,
                reason: String::new(),
            },
            Err(why) => pb::IsCertifiedResponse {
                certified: false,
                certificate_number: String::new(),
                reason: why.code().into(),
            },
        }))
    }

    async fn run_annual_review(
        &self,
        request: Request<pb::RunAnnualReviewRequest>,
    ) -> Result<Response<pb::RunAnnualReviewResponse>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::CertificateManage)?;
        let r = request.into_inner();
        let scope = caller.narrow(
            "division_code",
            DivisionCode::parse_optional_field("division_code", &r.division_code)?,
        )?;
        let today = today();
        if r.year < 2000 || r.year > today.year() {
            return Err(Error::invalid_field(
                "year",
                "invalid_year",
                format!("year must be from 2000 to {}", today.year()),
            )
            .into());
        }
        let cases = self.store.review_cases(&scope, r.year).await?;
        let mut changes = Vec::new();
        let mut decisions = Vec::new();
        for case in &cases {
            let fresh = domain::review(
                &case.certificate,
                case.already,
                &case.sittings,
                case.hours_tenths,
                r.year,
                &self.rules,
            );
            if let Some(outcome) = fresh {
                changes.push((case.certificate.clone(), outcome));
            }
            if let Some(outcome) = fresh.or(case.already) {
                decisions.push(pb::ReviewDecision {
                    certificate_id: case.certificate.id.clone(),
                    certificate_number: case.certificate.number.clone(),
                    person_id: case.certificate.person_id.clone(),
                    outcome: outcome.code().into(),
                    changed: fresh.is_some(),
                });
            }
        }
        self.store.apply_reviews(&changes, r.year, today).await?;
        tracing::info!(division = %scope, year = r.year, reviewed = decisions.len(), changed = changes.len(), "annual review applied");
        Ok(Response::new(pb::RunAnnualReviewResponse { decisions }))
    }

    async fn record_outreach(
        &self,
        request: Request<pb::RecordOutreachRequest>,
    ) -> Result<Response<pb::OutreachEvent>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let division = DivisionCode::parse_field("division_code", &r.division_code)?;
        caller.check_writes("division_code", &division)?;
        let held_on =
            domain::check_not_future("held_on", parse_date("held_on", &r.held_on)?, today())?;
        let count = |field: &str, value: i64| {
            if (0..=10_000_000).contains(&value) {
                Ok(value)
            } else {
                Err(Error::invalid_field(
                    field,
                    "invalid_count",
                    format!("{field} must be between 0 and 10,000,000"),
                ))
            }
        };
        let event = Outreach {
            id: new_id(),
            division,
            held_on,
            theme: text("theme", &r.theme, 200)?,
            audience: code(
                "audience",
                &r.audience,
                |a| {
                    ["school", "village", "community", "enterprise", "other"]
                        .contains(&a)
                        .then_some(a.to_owned())
                },
                "school, village, community, enterprise, other",
            )?,
            materials: count("materials", r.materials)?,
            people_reached: count("people_reached", r.people_reached)?,
        };
        self.store.insert_outreach(&event).await?;
        Ok(Response::new(pb::OutreachEvent {
            id: event.id,
            division_code: event.division.to_string(),
            held_on: held_on.to_string(),
            theme: event.theme,
            audience: event.audience,
            materials: event.materials,
            people_reached: event.people_reached,
        }))
    }

    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::TrainingStats>, Status> {
        let caller = auth::caller(&request)?;
        if !(caller.may(Permission::TrainingRead) || caller.may(Permission::OversightRead)) {
            return Err(auth::forbidden(Permission::OversightRead).into());
        }
        let r = request.into_inner();
        let scope = caller.narrow(
            "division_code",
            DivisionCode::parse_optional_field("division_code", &r.division_code)?,
        )?;
        let period = time::period_from_proto(r.period.as_ref(), "period")?;
        // Dates of the period, inclusive; holders are counted on its last day.
        let from = period.start.map_or(NaiveDate::MIN, time::china_date);
        let to = period.end.map_or_else(today, |end| {
            time::china_date(end - Duration::microseconds(1))
        });
        let counts = self.store.counts(Some(&scope), to).await?;
        let required = i64::from(self.rules.hours_per_year) * 10;
        let figures = self
            .store
            .period_figures(
                &scope,
                from.max(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(from)),
                to,
                required,
            )
            .await?;
        Ok(Response::new(pb::TrainingStats {
            people: counts.people,
            enforcement_staff: counts.enforcement_staff,
            certificate_holders: counts.certificate_holders,
            certificate_holders_section_level: counts.certificate_holders_section_level,
            certification_rate: rate(counts.certified_enforcement_staff, counts.enforcement_staff),
            annual_review_takers: figures.review_takers,
            annual_review_passed: figures.review_passed,
            training_hours_per_person: if counts.enforcement_staff == 0 {
                0.0
            } else {
                from_tenths(figures.staff_hours_tenths) / counts.enforcement_staff as f64
            },
            training_requirement_met_rate: rate(
                figures.staff_meeting_requirement,
                counts.enforcement_staff,
            ),
            exams: figures
                .exams
                .into_iter()
                .map(
                    |(kind, registered, sat, passed, excellent)| pb::ExamKindStats {
                        kind,
                        registered,
                        sat,
                        passed,
                        excellent,
                        participation_rate: rate(sat, registered),
                        pass_rate: rate(passed, sat),
                        excellent_rate: rate(excellent, sat),
                    },
                )
                .collect(),
            outreach_events: figures.outreach_events,
            outreach_materials: figures.outreach_materials,
            outreach_people_reached: figures.outreach_people,
        }))
    }

    async fn import_people(
        &self,
        request: Request<pb::ImportPeopleRequest>,
    ) -> Result<Response<pb::ImportReport>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let rows = match self.sheet(&r.format, r.content, lists::PEOPLE).await? {
            Ok(rows) => rows,
            Err(refused) => return Ok(Response::new(*refused)),
        };
        let (found, mut problems) = lists::people(&rows);
        let mut people = Vec::with_capacity(found.len());
        for (row, new) in found {
            match domain::new_person(new, new_id()) {
                Ok(person) if caller.sees(&person.division) => people.push((row, person)),
                Ok(_) => problems.push(RowProblem {
                    row,
                    field: "division_code".into(),
                    message: "outside the divisions you act for".into(),
                }),
                Err(err) => problems.push(RowProblem {
                    row,
                    field: err.field.unwrap_or_default(),
                    message: err.message,
                }),
            }
        }
        problems.extend(lists::duplicates(
            people.iter().map(|(row, p)| (*row, p.id_number.as_str())),
        ));
        let ids: Vec<String> = people.iter().map(|(_, p)| p.id_number.clone()).collect();
        let records = self.store.registrations(&ids).await?;
        for (row, person) in &mut people {
            match domain::admit(&person.id_number, &records, |d| caller.sees(d)) {
                Ok(held_for) => person.held_for = held_for,
                Err(err) => problems.push(RowProblem {
                    row: *row,
                    field: "id_number".into(),
                    message: err.message,
                }),
            }
        }
        let total = rows.len() - 1;
        if !problems.is_empty() || total == 0 {
            if total == 0 {
                problems.push(RowProblem {
                    row: 2,
                    field: "header".into(),
                    message: "the file has no data rows".into(),
                });
            }
            return Ok(Response::new(report(total, 0, problems, "")));
        }
        self.store.insert_people(&caller, &people).await?;
        tracing::info!(rows = people.len(), "people imported");
        Ok(Response::new(report(total, people.len(), Vec::new(), "")))
    }

    async fn import_attendance(
        &self,
        request: Request<pb::ImportAttendanceRequest>,
    ) -> Result<Response<pb::ImportReport>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let (division, topic, kind, held_on) =
            session_meta(&caller, &r.session.unwrap_or_default())?;
        let rows = match self.sheet(&r.format, r.content, lists::ATTENDANCE).await? {
            Ok(rows) => rows,
            Err(refused) => return Ok(Response::new(*refused)),
        };
        let (found, mut problems) = lists::attendance(&rows);
        let listed: Vec<(usize, &String)> = found.iter().map(|(row, id, _)| (*row, id)).collect();
        let known = self.known_people(&caller, &listed, &mut problems).await?;
        let total = rows.len() - 1;
        if !problems.is_empty() || found.is_empty() {
            return Ok(Response::new(report(total, 0, problems, "")));
        }
        let session = Session {
            id: new_id(),
            division,
            topic,
            kind,
            held_on,
            attendance: found
                .iter()
                .map(|(_, id, hours)| (known[id].clone(), *hours))
                .collect(),
        };
        self.store.insert_session(&session).await?;
        Ok(Response::new(report(
            total,
            found.len(),
            Vec::new(),
            &session.id,
        )))
    }

    async fn import_exam_results(
        &self,
        request: Request<pb::ImportExamResultsRequest>,
    ) -> Result<Response<pb::ImportReport>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingManage)?;
        let r = request.into_inner();
        let meta = self.exam_meta(&caller, &r.exam.unwrap_or_default())?;
        let rows = match self.sheet(&r.format, r.content, lists::RESULTS).await? {
            Ok(rows) => rows,
            Err(refused) => return Ok(Response::new(*refused)),
        };
        let (found, mut problems) = lists::results(&rows);
        let listed: Vec<(usize, &String)> = found.iter().map(|(row, id, _)| (*row, id)).collect();
        let known = self.known_people(&caller, &listed, &mut problems).await?;
        let total = rows.len() - 1;
        if !problems.is_empty() || found.is_empty() {
            return Ok(Response::new(report(total, 0, problems, "")));
        }
        let exam = meta.exam(
            found
                .iter()
                .map(|(_, id, score)| (known[id].clone(), *score))
                .collect(),
        );
        self.store.insert_exam(&exam).await?;
        Ok(Response::new(report(
            total,
            found.len(),
            Vec::new(),
            &exam.id,
        )))
    }

    async fn export_list(
        &self,
        request: Request<pb::ExportListRequest>,
    ) -> Result<Response<pb::ExportedFile>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::TrainingRead)?;
        let r = request.into_inner();
        if r.reveal_personal {
            caller.require(Permission::TrainingManage)?;
        }
        let shown = |id: &str| {
            if r.reveal_personal {
                id.to_owned()
            } else {
                privacy::mask_id_number(id)
            }
        };
        let scope = caller.narrow(
            "division_code",
            DivisionCode::parse_optional_field("division_code", &r.division_code)?,
        )?;
        let period = time::period_from_proto(r.period.as_ref(), "period")?;
        let from = period.start.map_or(
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
            time::china_date,
        );
        let to = period.end.map_or_else(today, |end| {
            time::china_date(end - Duration::microseconds(1))
        });
        if r.reveal_personal {
            fazhi_platform::db::audit::read_personal(
                self.store.database(),
                &caller,
                "export",
                &r.list,
                scope.as_str(),
            )
            .await?;
        }
        let headings =
            |columns: lists::Columns| columns.iter().map(|(_, h)| *h).collect::<Vec<_>>();
        let (sheet_name, header, rows): (&str, Vec<&str>, Vec<Vec<String>>) = match r.list.as_str()
        {
            "people" => {
                let mut all = Vec::new();
                let mut after = String::new();
                loop {
                    let page = self.store.people(&scope, &after, 1000).await?;
                    let Some(last) = page.last() else { break };
                    after = last.id.clone();
                    all.extend(page);
                }
                let yes_no = |b: bool| if b { "是" } else { "否" }.to_owned();
                let rows = all
                    .iter()
                    .map(|p| {
                        vec![
                            p.division.to_string(),
                            p.name.clone(),
                            shown(&p.id_number),
                            p.unit.clone(),
                            p.employment.code().to_owned(),
                            p.rank.clone(),
                            yes_no(p.section_level),
                            yes_no(p.enforcement_post),
                        ]
                    })
                    .collect();
                ("人员", headings(lists::PEOPLE), rows)
            }
            "attendance" => {
                let rows = self
                    .store
                    .attendance_list(&scope, from, to)
                    .await?
                    .into_iter()
                    .map(|(date, topic, kind, name, id, hours)| {
                        vec![
                            date,
                            topic,
                            kind,
                            name,
                            shown(&id),
                            from_tenths(hours).to_string(),
                        ]
                    })
                    .collect();
                (
                    "学时",
                    vec!["日期", "培训主题", "培训形式", "姓名", "身份证号", "学时"],
                    rows,
                )
            }
            "results" => {
                let rows = self
                    .store
                    .results_list(&scope, from, to)
                    .await?
                    .into_iter()
                    .map(|(date, title, kind, name, id, score)| {
                        vec![
                            date,
                            title,
                            kind,
                            name,
                            shown(&id),
                            score.map_or_else(|| "缺考".to_owned(), |s| from_tenths(s).to_string()),
                        ]
                    })
                    .collect();
                (
                    "成绩",
                    vec!["日期", "考试", "考试类别", "姓名", "身份证号", "成绩"],
                    rows,
                )
            }
            _ => {
                return Err(Error::invalid_field(
                    "list",
                    "unknown_code",
                    "list must be people, attendance or results",
                )
                .into());
            }
        };
        let content = sheet::write_xlsx(sheet_name, &header, &rows)?;
        Ok(Response::new(pb::ExportedFile {
            filename: format!("{}-{}.xlsx", r.list, scope),
            content,
            rows: rows.len() as i64,
        }))
    }
}
