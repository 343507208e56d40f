//! A ledger brought in over gRPC: the file read within its bounds, each row
//! built into a complaint by the workflow's own rules with the time each
//! step happened, and all of it written in one transaction — or none of it,
//! with every rejected row named.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use fazhi_platform::{
    Code, DivisionCode, Error, ErrorKind,
    auth::{self, Caller, Permission},
    db::audit,
};
use fazhi_proto::complaints::v1 as pb;
use fazhi_sheet::{Format, rows::RowProblem};
use tonic::{Request, Response, Status};

use super::ComplaintsApi;
use crate::domain::{self, Complaint, Step, Ticket, figures};
use crate::ledger::{self, Entry, problem};
use crate::store::{
    Bumps,
    import::{Imported, ImportedEvent},
};

type Key = (String, String);

pub(super) async fn import(
    api: &ComplaintsApi,
    request: Request<pb::ImportComplaintsRequest>,
) -> Result<Response<pb::ImportComplaintsReport>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintRecordPast)?;
    let r = request.into_inner();
    let format = Format::from_code(&r.format).ok_or_else(|| {
        Error::invalid_field(
            "format",
            Code::UnknownCode,
            "format must be one of csv, xlsx",
        )
    })?;
    let _importing = api.imports.clone().try_acquire_owned().map_err(|_| {
        Error::new(
            ErrorKind::ResourceExhausted,
            Code::ImportsBusy,
            "another ledger is being imported; retry when it is done",
        )
    })?;
    // Reading and checking a large file is CPU work: off the async workers.
    let content = r.content;
    let (total, read) = tokio::task::spawn_blocking(move || {
        let rows = fazhi_sheet::read(format, &content)?;
        let total = rows.len().saturating_sub(1);
        Ok::<_, Error>(match ledger::check_header(&rows, ledger::COLUMNS) {
            Ok(()) => (total, Ok(ledger::read(&rows))),
            Err(problem) => (total, Err(problem)),
        })
    })
    .await
    .map_err(Error::internal)??;
    let (entries, mut problems) = match read {
        Ok(read) => read,
        Err(problem) => return Ok(Response::new(report(total, 0, 0, vec![problem]))),
    };
    if total == 0 {
        let empty = problem(2, "header", "the file has no data rows");
        return Ok(Response::new(report(0, 0, 0, vec![empty])));
    }
    problems.extend(twice(&entries));
    // A ticket recorded already is left as it is; a repeat may name one.
    let mut keys: Vec<Key> = entries.iter().map(key).collect();
    keys.extend(
        entries
            .iter()
            .filter_map(|e| e.duplicate_of.clone().map(|of| (e.source.clone(), of))),
    );
    keys.sort();
    keys.dedup();
    let recorded = api.store.by_external(&keys).await?;
    let read_well = entries.len();
    let new: Vec<Entry> = entries
        .into_iter()
        .filter(|e| !recorded.contains_key(&key(e)))
        .collect();
    let unchanged = read_well - new.len();
    let now = api.clock.now();
    let builder = Builder {
        caller: caller.clone(),
        calendar: api.calendar.clone(),
        rules: api.rules.clone(),
        now,
    };
    let (built, bumps, mut found) =
        tokio::task::spawn_blocking(move || builder.build(new, &recorded))
            .await
            .map_err(Error::internal)?;
    problems.append(&mut found);
    if !problems.is_empty() {
        return Ok(Response::new(report(total, 0, 0, problems)));
    }
    let mut divisions: Vec<&DivisionCode> =
        built.iter().map(|b| &b.complaint.division_code).collect();
    divisions.sort();
    divisions.dedup();
    let batch = uuid::Uuid::now_v7().to_string();
    let audit: Vec<audit::Entry> = divisions
        .iter()
        .map(|d| {
            audit::Entry::new(
                now,
                &caller,
                "complaint.import",
                "complaint_ledger",
                &batch,
                d.as_str(),
            )
        })
        .collect();
    api.store
        .import(&built, bumps, &caller.subject, &audit)
        .await?;
    tracing::info!(
        imported = built.len(),
        unchanged,
        "complaint ledger imported"
    );
    Ok(Response::new(report(
        total,
        built.len(),
        unchanged,
        Vec::new(),
    )))
}

fn key(e: &Entry) -> Key {
    (e.source.clone(), e.external_id.clone())
}

/// A ticket named twice in one file: each later row names the first.
fn twice(entries: &[Entry]) -> Vec<RowProblem> {
    let mut first: HashMap<Key, usize> = HashMap::with_capacity(entries.len());
    let mut problems = Vec::new();
    for e in entries {
        if let Some(row) = first.get(&key(e)) {
            problems.push(problem(
                e.row,
                "external_id",
                format!("{} of {} is on row {row} already", e.external_id, e.source),
            ));
        } else {
            first.insert(key(e), e.row);
        }
    }
    problems
}

/// What building a row needs: who imports, and the rules.
struct Builder {
    caller: Caller,
    calendar: std::sync::Arc<fazhi_calendar::Calendar>,
    rules: domain::ReplyRules,
    now: DateTime<Utc>,
}

impl Builder {
    /// Every new row built, oldest receipt first so that an original is
    /// built before the repeats merged into it; the totals they count; and
    /// every problem.
    fn build(
        &self,
        mut entries: Vec<Entry>,
        recorded: &HashMap<Key, Complaint>,
    ) -> (Vec<Imported>, Bumps, Vec<RowProblem>) {
        entries.sort_by_key(|e| (e.received_at, e.row));
        let mut built: Vec<Imported> = Vec::with_capacity(entries.len());
        let mut index: HashMap<Key, usize> = HashMap::with_capacity(entries.len());
        let mut bumps = Bumps::default();
        let mut problems = Vec::new();
        for entry in entries {
            let original = entry.duplicate_of.as_ref().map(|of| {
                let k = (entry.source.clone(), of.clone());
                index
                    .get(&k)
                    .map(|&i| &built[i].complaint)
                    .or_else(|| recorded.get(&k))
                    .ok_or_else(|| {
                        problem(
                            entry.row,
                            "duplicate_of",
                            format!(
                                "names no ticket {of} of {} received before it",
                                entry.source
                            ),
                        )
                    })
            });
            let original = match original.transpose() {
                Ok(original) => original.cloned(),
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            match self.one(&entry, original.as_ref()) {
                Ok((one, counts)) => {
                    bumps.add(counts);
                    index.insert(key(&entry), built.len());
                    built.push(one);
                }
                Err(p) => problems.push(p),
            }
        }
        problems.sort_by_key(|p| p.row);
        (built, bumps, problems)
    }

    /// One row as a complaint: received, then each step applied by the
    /// workflow's rules at the time it happened, then merged into its
    /// original if it repeats one.
    fn one(
        &self,
        entry: &Entry,
        original: Option<&Complaint>,
    ) -> Result<(Imported, Vec<figures::Count>), RowProblem> {
        let row = entry.row;
        let refused = |field: &str, err: Error| {
            let field = err
                .field
                .clone()
                .filter(|f| f != "occurred_at")
                .unwrap_or_else(|| field.to_owned());
            problem(row, &field, err.message)
        };
        let mut c = domain::intake(
            entry.new.clone(),
            entry.received_at,
            &self.calendar,
            &self.rules,
            uuid::Uuid::now_v7().to_string(),
            domain::new_tracking_code(),
        )
        .map_err(|e| refused("content", e))?;
        self.caller
            .check_writes("division_code", &c.division_code)
            .map_err(|e| refused("division_code", e))?;
        let earliest = self.rules.past_opens(&c.division_code, self.now);
        domain::past::check(c.received_at, self.now, None, earliest)
            .map_err(|e| refused("received_at", e))?;
        c.ticket = Some(Ticket {
            source: entry.source.clone(),
            external_id: entry.external_id.clone(),
        });
        let mut counts = figures::on_intake(&c);
        let mut events = Vec::with_capacity(entry.steps.len() + 1);
        let mut last = c.received_at;
        let mut take = |c: &mut Complaint, step: &Step, at, note: &str, field: &str| {
            domain::past::check(at, self.now, Some(last), earliest)
                .map_err(|e| refused(field, e))?;
            if let Step::Dispatch { unit, .. } = step {
                self.caller
                    .check_writes("unit", unit)
                    .map_err(|e| refused("unit", e))?;
            }
            let after = domain::apply(c, step, note, at, &self.calendar, &self.rules)
                .map_err(|e| refused(field, e))?;
            counts.extend(figures::on_step(c, &after, step, at));
            if let (Step::MarkDuplicate { .. }, Some(o)) = (step, original) {
                counts.extend(figures::on_merge(c, &after, o));
            }
            events.push(ImportedEvent {
                kind: step.kind(),
                from: c.status,
                to: after.status,
                at,
                note: note.to_owned(),
                detail: super::workflow::detail(step, &after).to_string(),
            });
            *c = after;
            last = at;
            Ok::<_, RowProblem>(())
        };
        for dated in &entry.steps {
            take(&mut c, &dated.step, dated.at, &dated.note, dated.field)?;
        }
        if let Some(o) = original {
            domain::check_duplicate_target(&c, o).map_err(|e| refused("duplicate_of", e))?;
            let merge = Step::MarkDuplicate { of: o.id.clone() };
            // Merged once its own steps were taken.
            let at = entry
                .steps
                .iter()
                .map(|d| d.at)
                .fold(entry.received_at, DateTime::max);
            take(&mut c, &merge, at, "", "duplicate_of")?;
        }
        c.updated_at = self.now;
        Ok((
            Imported {
                complaint: c,
                events,
            },
            counts,
        ))
    }
}

fn report(
    rows: usize,
    imported: usize,
    unchanged: usize,
    problems: Vec<RowProblem>,
) -> pb::ImportComplaintsReport {
    let report = fazhi_sheet::rows::Report::new(rows, imported, problems);
    pb::ImportComplaintsReport {
        rows: report.rows as i64,
        imported: report.imported as i64,
        unchanged: unchanged as i64,
        rejected: report.rejected_proto(),
    }
}
