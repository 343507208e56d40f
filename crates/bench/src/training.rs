//! The training service's goals: `IsCertified` over gRPC with 10,000 people
//! on record, and the annual review of 10,000 certificates.

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::Context;
use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode,
    auth::{Caller, InternalKey, Role},
    category::EnforcementCategory,
    config::GrpcClientSettings,
    grpc,
};
use fazhi_proto::training::v1::{self as pb, training_service_client::TrainingServiceClient};
use fazhi_training::{
    TrainingRules,
    domain::{
        self, Certificate, CertificateStatus, Employment, Exam, ExamKind, Person, Session,
        TrainingKind,
    },
    store::Store,
};
use tokio::process::Command;

use crate::{Run, drive, listening, report};

/// People (and certificates) on record.
pub const PEOPLE: usize = 10_000;
pub const TOWNSHIP: &str = "411624100";
const SECRET: &str = "benchmark internal token secret, 32+ bytes long";

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// A valid resident ID number for person `n`.
pub fn id_number(n: usize) -> String {
    let first17 = format!(
        "4116241980{:02}{:02}{:03}",
        1 + n / 28_000 % 12,
        1 + n / 1000 % 28,
        n % 1000
    );
    let check = domain::check_character(&first17).expect("17 digits");
    format!("{first17}{check}")
}

/// 10,000 certified officers with a year of training hours and a passed
/// annual-review exam, written straight into the training store.
pub async fn seed(data_dir: &Path) -> anyhow::Result<Vec<String>> {
    seed_people(data_dir, PEOPLE).await
}

/// [`seed`] with `count` officers.
pub async fn seed_people(data_dir: &Path, count: usize) -> anyhow::Result<Vec<String>> {
    let store = Store::open(None, data_dir).await?;
    let division = DivisionCode::parse(TOWNSHIP).map_err(anyhow::Error::msg)?;
    let rules = TrainingRules::default();
    let people: Vec<Person> = (0..count)
        .map(|n| Person {
            id: format!("p{n:05}"),
            division: division.clone(),
            name: format!("执法人员{n}"),
            id_number: id_number(n),
            unit: "综合行政执法大队".into(),
            employment: Employment::CivilServant,
            rank: String::new(),
            rank_level: None,
            section_level: n % 3 == 0,
            enforcement_post: true,
            joined_on: None,
            legal_qualification: None,
            version: 1,
            held_for: None,
        })
        .collect();
    let seeder = Caller {
        subject: "benchmark".into(),
        roles: vec![Role::Admin],
        scope: division.clone(),
        source: None,
    };
    let rows: Vec<(usize, Person)> = people.iter().cloned().enumerate().collect();
    store.insert_people(&seeder, &rows).await?;
    let issued_on = day("2022-04-01");
    let certificates: Vec<Certificate> = people
        .iter()
        .enumerate()
        .map(|(n, p)| Certificate {
            id: format!("c{n:05}"),
            number: format!("豫执{n:08}"),
            person_id: p.id.clone(),
            issued_on,
            valid_until: domain::valid_until(issued_on, &rules),
            status: CertificateStatus::Active,
            status_since: issued_on,
            version: 1,
            competence: domain::Competence {
                areas: vec![division.clone()],
                categories: vec![EnforcementCategory::Comprehensive],
            },
        })
        .collect();
    store.insert_certificates(&certificates).await?;
    for (i, held_on) in ["2023-03-15", "2023-06-15", "2023-09-15"]
        .into_iter()
        .enumerate()
    {
        store
            .insert_session(&Session {
                id: format!("s{i}"),
                division: division.clone(),
                topic: "执法培训".into(),
                kind: TrainingKind::InPerson,
                held_on: day(held_on),
                attendance: people.iter().map(|p| (p.id.clone(), 200)).collect(),
            })
            .await?;
    }
    store
        .insert_exam(&Exam {
            id: "e-review-2023".into(),
            division: division.clone(),
            kind: ExamKind::AnnualReview,
            title: "2023年年审考试".into(),
            held_on: day("2023-11-20"),
            pass_mark: 600,
            excellent_mark: 900,
            results: people
                .iter()
                .enumerate()
                .map(|(n, p)| (p.id.clone(), Some(if n % 50 == 0 { 550 } else { 880 })))
                .collect(),
        })
        .await?;
    store.database().close().await;
    Ok(people.into_iter().map(|p| p.id).collect())
}

pub async fn run(binary: &Path, concurrency: usize, seconds: u64) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let seeding = Instant::now();
    let ids = seed(data.path()).await?;
    println!(
        "\nseeded {PEOPLE} people, certificates, 30,000 attendance rows and {PEOPLE} exam results in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let mut server = Command::new(binary)
        .args(["serve", "training", "--data-dir"])
        .arg(data.path())
        .env("FAZHI_TRAINING__LISTEN", "127.0.0.1:0")
        .env("FAZHI_METRICS__LISTEN", "127.0.0.1:0")
        .env("FAZHI_INTERNAL_TOKEN__SECRET", SECRET)
        .env("FAZHI_LOG__FILTER", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let port = listening(&mut server)
        .await?
        .get("training")
        .map(std::net::SocketAddr::port)
        .context("fazhi serve training did not say where it listens")?;
    let channel = grpc::connect_lazy(
        &format!("http://127.0.0.1:{port}"),
        &GrpcClientSettings::default(),
    )?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !grpc::check_health(channel.clone(), fazhi_training::SERVICE_NAME)
        .await
        .unwrap_or(false)
    {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the training service did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let key = InternalKey::new(SECRET.as_bytes(), Duration::from_secs(60))?;
    let caller = Caller {
        subject: "benchmark".into(),
        roles: vec![Role::CountyOverseer],
        scope: DivisionCode::parse("411624").map_err(anyhow::Error::msg)?,
        source: None,
    };

    let ids = std::sync::Arc::new(ids);
    let lookup = |clients: usize| {
        let client = TrainingServiceClient::new(channel.clone());
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let ids = ids.clone();
        let (key, caller) = (key.clone(), caller.clone());
        drive(clients, seconds, move || {
            let mut client = client.clone();
            let n = counter.fetch_add(7919, std::sync::atomic::Ordering::Relaxed);
            let id = ids[n % ids.len()].clone();
            let request = key.request(
                &caller,
                pb::IsCertifiedRequest {
                    person_id: id,
                    on: Some(fazhi_proto::common::v1::Date {
                        year: 2023,
                        month: 6,
                        day: 1,
                    }),
                    ..Default::default()
                },
            );
            async move {
                let answer = client.is_certified(request).await.map_err(|_| ())?;
                if answer.into_inner().certified {
                    Ok(())
                } else {
                    Err(())
                }
            }
        })
    };
    let one_client: Run = lookup(1).await;
    let loaded: Run = lookup(concurrency).await;

    let mut client = TrainingServiceClient::new(channel);
    let started = Instant::now();
    let review = client
        .run_annual_review(key.request(
            &caller,
            pb::RunAnnualReviewRequest {
                division_code: TOWNSHIP.into(),
                year: 2023,
                on: None,
            },
        ))
        .await
        .context("the annual review")?
        .into_inner();
    let review_time = started.elapsed();
    let suspended = review
        .decisions
        .iter()
        .filter(|d| d.outcome == pb::ReviewOutcome::Suspended as i32)
        .count();
    let started = Instant::now();
    let again = client
        .run_annual_review(key.request(
            &caller,
            pb::RunAnnualReviewRequest {
                division_code: TOWNSHIP.into(),
                year: 2023,
                on: None,
            },
        ))
        .await?
        .into_inner();
    let rerun_time = started.elapsed();

    // A township's roster of 10,000 as .xlsx, imported whole.
    let rows: Vec<Vec<String>> = (0..PEOPLE)
        .map(|i| {
            vec![
                TOWNSHIP.to_owned(),
                format!("新进人员{i}"),
                id_number(PEOPLE + i),
                "综合行政执法大队".to_owned(),
                "公务员".to_owned(),
                "科员".to_owned(),
                "否".to_owned(),
                "是".to_owned(),
            ]
        })
        .collect();
    let header: Vec<&str> = fazhi_training::lists::PEOPLE
        .iter()
        .map(|(_, h)| *h)
        .collect();
    let xlsx = fazhi_training::sheet::write_xlsx("人员", &header, &rows)?;
    let xlsx_size = xlsx.len();
    let mut import = key.request(
        &caller,
        pb::ImportPeopleRequest {
            format: pb::FileFormat::Xlsx as i32,
            content: xlsx,
        },
    );
    import.set_timeout(Duration::from_secs(120));
    let started = Instant::now();
    let imported = client
        .clone()
        .max_encoding_message_size(fazhi_training::MAX_MESSAGE)
        .import_people(import)
        .await
        .context("the import")?
        .into_inner();
    let import_time = started.elapsed();
    let _ = server.start_kill();
    let _ = server.wait().await;

    println!();
    report(
        &format!("gRPC IsCertified with {PEOPLE} people on record, one client"),
        &one_client,
    );
    report(
        &format!("gRPC IsCertified with {PEOPLE} people on record, {concurrency} clients"),
        &loaded,
    );
    println!("annual review of {PEOPLE} certificates (gRPC RunAnnualReview, one call)");
    println!(
        "  first run         {:.2} s ({} reviewed, {} suspended)",
        review_time.as_secs_f64(),
        review.decisions.len(),
        suspended
    );
    println!(
        "  second run        {:.2} s ({} changed)",
        rerun_time.as_secs_f64(),
        again.decisions.iter().filter(|d| d.changed).count()
    );
    println!("import of a {PEOPLE}-row .xlsx roster (gRPC ImportPeople, all or nothing)");
    println!(
        "  {:.2} s for {:.0} KiB: {} imported, {} rejected",
        import_time.as_secs_f64(),
        xlsx_size as f64 / 1024.0,
        imported.imported,
        imported.rejected.len()
    );
    Ok(())
}
