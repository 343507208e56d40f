//! `fazhi import`: a township's list into the running training service, or
//! its complaint ledger into the complaints service.

use std::{io::Read, path::Path, time::Duration};

use anyhow::Context;
use fazhi_platform::{
    DivisionCode,
    auth::{Caller, Role},
    grpc,
};
use fazhi_proto::training::v1::{self as pb, training_service_client::TrainingServiceClient};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{cli::ImportCommand, settings::Settings};

/// How long the service may take to check and write a whole list.
const IMPORT_DEADLINE: Duration = Duration::from_secs(300);

/// The file's bytes, read with a progress bar, and its format from the extension.
fn read(path: &Path) -> anyhow::Result<(pb::FileFormat, Vec<u8>)> {
    let format = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    {
        Some(ext) if ext == "csv" => pb::FileFormat::Csv,
        Some(ext) if ext == "xlsx" => pb::FileFormat::Xlsx,
        _ => anyhow::bail!("{}: the file must end in .csv or .xlsx", path.display()),
    };
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = file.metadata()?.len();
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("reading  {bar:40} {bytes}/{total_bytes}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut content = Vec::with_capacity(size as usize);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        content.extend_from_slice(&chunk[..n]);
        bar.inc(n as u64);
    }
    bar.finish();
    Ok((format, content))
}

/// The proto value of `code` (`in_person`) in the enum whose values are
/// named `{prefix}{CODE}`: the same mapping as the REST edge.
fn enum_value(
    what: &str,
    code: &str,
    prefix: &str,
    from_name: impl Fn(&str) -> Option<i32>,
) -> anyhow::Result<i32> {
    match from_name(&format!("{prefix}{}", code.to_ascii_uppercase())) {
        Some(value) if value != 0 && !code.is_empty() => Ok(value),
        _ => anyhow::bail!("{what} {code:?} is not a known code"),
    }
}

/// A day given as `2023-06-15`.
fn day(what: &str, text: &str) -> anyhow::Result<Option<fazhi_proto::common::v1::Date>> {
    use chrono::Datelike;
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("{what} must be a date like 2023-11-20, not {text:?}"))?;
    Ok(Some(fazhi_proto::common::v1::Date {
        year: day.year(),
        month: day.month() as i32,
        day: day.day() as i32,
    }))
}

fn deadline<T>(mut request: tonic::Request<T>) -> tonic::Request<T> {
    request.set_timeout(IMPORT_DEADLINE);
    request
}

/// The client settings of an import: the deadline is the import's own.
fn import_channel(endpoint: &str, settings: &Settings) -> anyhow::Result<grpc::Channel> {
    let mut client = settings.grpc.clone();
    client.deadline_ms = IMPORT_DEADLINE.as_millis() as u64;
    grpc::connect_lazy(endpoint, &client)
}

fn operator(settings: &Settings) -> anyhow::Result<Caller> {
    let county = DivisionCode::parse(&settings.gateway.county)
        .map_err(|e| anyhow::anyhow!("gateway.county {:?} {e}", settings.gateway.county))?;
    Ok(Caller {
        subject: "cli".into(),
        roles: vec![Role::Admin],
        scope: county,
        source: None,
    })
}

/// A complaint ledger into the complaints service.
async fn complaints(settings: Settings, file: &Path) -> anyhow::Result<()> {
    use fazhi_proto::complaints::v1::{
        self as cpb, complaint_service_client::ComplaintServiceClient,
    };
    let operator = operator(&settings)?;
    let key = settings.internal_key()?;
    let endpoint = settings.complaints.endpoint();
    let mut client = ComplaintServiceClient::new(import_channel(&endpoint, &settings)?)
        .max_decoding_message_size(fazhi_complaints::MAX_MESSAGE)
        .max_encoding_message_size(fazhi_complaints::MAX_MESSAGE);
    let (format, content) = read(file)?;
    let format = if format == pb::FileFormat::Xlsx {
        "xlsx"
    } else {
        "csv"
    };
    let spinner = ProgressBar::new_spinner().with_message("checking every row and importing");
    spinner.enable_steady_tick(Duration::from_millis(120));
    let request = deadline(key.request(
        &operator,
        cpb::ImportComplaintsRequest {
            format: format.into(),
            content,
        },
    ));
    let answer = client.import_complaints(request).await;
    spinner.finish_and_clear();
    let report = answer
        .map_err(|status| refused(&status, "complaints", &endpoint))?
        .into_inner();
    if report.rejected.is_empty() {
        println!(
            "imported {} of {} rows ({} recorded already, left as they were)",
            report.imported, report.rows, report.unchanged
        );
        return Ok(());
    }
    rejected(report.rows, &report.rejected)
}

/// The service's refusal as the operator reads it.
fn refused(status: &tonic::Status, service: &str, endpoint: &str) -> anyhow::Error {
    let err = fazhi_platform::Error::from_status(status);
    match err.field {
        Some(field) => anyhow::anyhow!(
            "{field}: {} (is the {service} service running at {endpoint}?)",
            err.message
        ),
        None => anyhow::anyhow!(
            "{} (is the {service} service running at {endpoint}?)",
            err.message
        ),
    }
}

/// Every rejected row printed, and the import failed.
fn rejected(rows: i64, problems: &[fazhi_proto::common::v1::RowProblem]) -> anyhow::Result<()> {
    eprintln!(
        "{} of {} rows rejected; nothing was imported:",
        problems.len(),
        rows
    );
    for problem in problems {
        eprintln!(
            "  row {:>6}  {:<16} {}",
            problem.row, problem.field, problem.message
        );
    }
    anyhow::bail!("the list was not imported")
}

pub(crate) async fn run(settings: Settings, list: ImportCommand) -> anyhow::Result<()> {
    if let ImportCommand::Complaints { file } = &list {
        return complaints(settings, file).await;
    }
    let operator = operator(&settings)?;
    let key = settings.internal_key()?;
    let endpoint = settings.training.endpoint();
    let mut client = TrainingServiceClient::new(import_channel(&endpoint, &settings)?)
        .max_decoding_message_size(fazhi_training::MAX_MESSAGE)
        .max_encoding_message_size(fazhi_training::MAX_MESSAGE);

    let spinner = |file: &Path| -> anyhow::Result<(i32, Vec<u8>, ProgressBar)> {
        let (format, content) = read(file)?;
        let spinner = ProgressBar::new_spinner().with_message("checking every row and importing");
        spinner.enable_steady_tick(Duration::from_millis(120));
        Ok((format as i32, content, spinner))
    };
    let (answer, spinner) = match list {
        ImportCommand::Complaints { .. } => unreachable!("imported above"),
        ImportCommand::People { file } => {
            let (format, content, spinner) = spinner(&file)?;
            let request =
                deadline(key.request(&operator, pb::ImportPeopleRequest { format, content }));
            (client.import_people(request).await, spinner)
        }
        ImportCommand::Attendance {
            file,
            division,
            topic,
            kind,
            held_on,
        } => {
            let (format, content, spinner) = spinner(&file)?;
            let session = pb::TrainingSession {
                division_code: division,
                topic,
                kind: enum_value("kind", &kind, "TRAINING_KIND_", |n| {
                    pb::TrainingKind::from_str_name(n).map(|v| v as i32)
                })?,
                held_on: day("held_on", &held_on)?,
                ..Default::default()
            };
            let request = deadline(key.request(
                &operator,
                pb::ImportAttendanceRequest {
                    session: Some(session),
                    format,
                    content,
                },
            ));
            (client.import_attendance(request).await, spinner)
        }
        ImportCommand::ExamResults {
            file,
            division,
            kind,
            title,
            held_on,
            pass_mark,
            excellent_mark,
        } => {
            let (format, content, spinner) = spinner(&file)?;
            let exam = pb::Exam {
                division_code: division,
                kind: enum_value("kind", &kind, "EXAM_KIND_", |n| {
                    pb::ExamKind::from_str_name(n).map(|v| v as i32)
                })?,
                title,
                held_on: day("held_on", &held_on)?,
                pass_mark,
                excellent_mark,
                ..Default::default()
            };
            let request = deadline(key.request(
                &operator,
                pb::ImportExamResultsRequest {
                    exam: Some(exam),
                    format,
                    content,
                },
            ));
            (client.import_exam_results(request).await, spinner)
        }
    };
    spinner.finish_and_clear();
    let report = answer
        .map_err(|status| refused(&status, "training", &endpoint))?
        .into_inner();
    if report.rejected.is_empty() {
        println!("imported {} of {} rows", report.imported, report.rows);
        return Ok(());
    }
    rejected(report.rows, &report.rejected)
}
