//! Lists in and out: people, attendance and results from CSV or .xlsx, and exports.

use chrono::{Duration, NaiveDate};
use fazhi_platform::Code;
use fazhi_platform::{
    Error, ErrorKind,
    auth::{self, Caller, Permission},
    privacy, time,
};
use fazhi_proto::training::v1 as pb;
use tonic::{Request, Response, Status};

use super::*;
use crate::{
    domain::{self, Session},
    lists::{self, RowProblem},
    sheet::{self, Format},
};

pub(super) async fn import_people(
    api: &TrainingApi,
    request: Request<pb::ImportPeopleRequest>,
) -> Result<Response<pb::ImportReport>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner();
    let rows = match api.sheet(r.format, r.content, lists::PEOPLE).await? {
        Ok(rows) => rows,
        Err(refused) => return Ok(Response::new(*refused)),
    };
    let (found, mut problems) = lists::people(&rows);
    let mut people = Vec::with_capacity(found.len());
    for (row, new) in found {
        match domain::new_person(new, new_id(), api.clock.today()) {
            Ok(person) if caller.sees(&person.division) => people.push((row, person)),
            Ok(_) => problems.push(RowProblem {
                row,
                field: "division_code".into(),
                message: "outside the divisions you act for".into(),
            }),
            Err(err) => problems.push(fazhi_sheet::rows::refused(row, err)),
        }
    }
    problems.extend(lists::duplicates(
        people.iter().map(|(row, p)| (*row, p.id_number.as_str())),
    ));
    let ids: Vec<String> = people.iter().map(|(_, p)| p.id_number.clone()).collect();
    let records = api.store.registrations(&ids).await?;
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
    api.store.insert_people(&caller, &people).await?;
    tracing::info!(rows = people.len(), "people imported");
    let mut answer = report(total, people.len(), Vec::new(), "");
    answer.people = people
        .iter()
        .map(|(row, person)| pb::ImportedRow {
            row: *row as i64,
            id: person.id.clone(),
        })
        .collect();
    Ok(Response::new(answer))
}

pub(super) async fn import_attendance(
    api: &TrainingApi,
    request: Request<pb::ImportAttendanceRequest>,
) -> Result<Response<pb::ImportReport>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner();
    let (division, topic, kind, held_on) =
        records::session_meta(&caller, &r.session.unwrap_or_default(), api.clock.today())?;
    let rows = match api.sheet(r.format, r.content, lists::ATTENDANCE).await? {
        Ok(rows) => rows,
        Err(refused) => return Ok(Response::new(*refused)),
    };
    let (found, mut problems) = lists::attendance(&rows);
    let listed: Vec<(usize, &String)> = found.iter().map(|(row, id, _)| (*row, id)).collect();
    let known = api.known_people(&caller, &listed, &mut problems).await?;
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
    api.store.insert_session(&session).await?;
    Ok(Response::new(report(
        total,
        found.len(),
        Vec::new(),
        &session.id,
    )))
}

pub(super) async fn import_exam_results(
    api: &TrainingApi,
    request: Request<pb::ImportExamResultsRequest>,
) -> Result<Response<pb::ImportReport>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner();
    let meta = api.exam_meta(&caller, &r.exam.unwrap_or_default())?;
    let rows = match api.sheet(r.format, r.content, lists::RESULTS).await? {
        Ok(rows) => rows,
        Err(refused) => return Ok(Response::new(*refused)),
    };
    let (found, mut problems) = lists::results(&rows);
    let listed: Vec<(usize, &String)> = found.iter().map(|(row, id, _)| (*row, id)).collect();
    let known = api.known_people(&caller, &listed, &mut problems).await?;
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
    api.store.insert_exam(&exam).await?;
    Ok(Response::new(report(
        total,
        found.len(),
        Vec::new(),
        &exam.id,
    )))
}

pub(super) async fn export_list(
    api: &TrainingApi,
    request: Request<pb::ExportListRequest>,
) -> Result<Response<pb::ExportedFile>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let r = request.into_inner();
    let list = plain_code(
        pb::ListKind::try_from(r.list).ok().map(|l| l.as_str_name()),
        "LIST_KIND_",
    )
    .ok_or_else(|| {
        Error::invalid_field(
            "list",
            Code::UnknownCode,
            "list must be people, attendance or results",
        )
    })?;
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
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let period = time::period_from_proto(r.period.as_ref(), "period")?;
    let from = period.start.map_or(
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
        time::china_date,
    );
    let to = period.end.map_or_else(
        || api.clock.today(),
        |end| time::china_date(end - Duration::microseconds(1)),
    );
    if r.reveal_personal {
        fazhi_platform::db::audit::read_personal(
            api.store.database(),
            api.clock.now(),
            &caller,
            "export",
            &list,
            scope.as_str(),
        )
        .await?;
    }
    let headings = |columns: lists::Columns| columns.iter().map(|(_, h)| *h).collect::<Vec<_>>();
    let (sheet_name, header, rows): (&str, Vec<&str>, Vec<Vec<String>>) = match list.as_str() {
        "people" => {
            let mut all = Vec::new();
            let mut after = String::new();
            loop {
                let page = api.store.people(&scope, &after, 1000).await?;
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
            let rows = api
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
            let rows = api
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
                Code::UnknownCode,
                "list must be people, attendance or results",
            )
            .into());
        }
    };
    let content = sheet::write_xlsx(sheet_name, &header, &rows)?;
    Ok(Response::new(pb::ExportedFile {
        filename: format!("{list}-{scope}.xlsx"),
        content,
        rows: rows.len() as i64,
    }))
}

/// A file refused as a whole (by its header), with the report saying why.
pub(super) type Refused = Box<pb::ImportReport>;

impl TrainingApi {
    pub(super) async fn sheet(
        &self,
        format: i32,
        content: Vec<u8>,
        columns: lists::Columns,
    ) -> Result<Result<Vec<lists::Row>, Refused>, Error> {
        let format = plain_code(
            pb::FileFormat::try_from(format)
                .ok()
                .map(|f| f.as_str_name()),
            "FILE_FORMAT_",
        )
        .and_then(|code| Format::from_code(&code))
        .ok_or_else(|| {
            Error::invalid_field(
                "format",
                Code::UnknownCode,
                "format must be one of csv, xlsx",
            )
        })?;
        let _reading = self.imports.clone().try_acquire_owned().map_err(|_| {
            Error::new(
                ErrorKind::ResourceExhausted,
                Code::ImportsBusy,
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

pub(super) fn report(
    rows: usize,
    imported: usize,
    problems: Vec<RowProblem>,
    created: &str,
) -> pb::ImportReport {
    let report = fazhi_sheet::rows::Report::new(rows, imported, problems);
    pb::ImportReport {
        rows: report.rows as i64,
        imported: report.imported as i64,
        rejected: report.rejected_proto(),
        created_id: created.to_owned(),
        people: Vec::new(),
    }
}

impl TrainingApi {
    /// Person ids by ID number for the (row, ID number) pairs of a list,
    /// adding a problem for each ID number listed twice or naming nobody in
    /// the caller's divisions.
    pub(super) async fn known_people(
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
