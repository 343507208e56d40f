//! The demo's people, exams, training, certificates, annual reviews and
//! outreach, through the training service's own API.

use chrono::{Datelike, NaiveDate};
use fazhi_platform::time::date_to_proto;
use fazhi_proto::training::v1 as pb;

use super::{Clients, shape::Dice, shape::OUTREACH_THEMES, shape::Township};

/// A resident ID number with a valid check digit (GB 11643) for sequence `n`.
pub fn id_number(n: usize) -> String {
    let body = format!(
        "411624198{}{:02}{:02}{:03}",
        n / 10_000 % 10,
        1 + n / 28 % 12,
        1 + n % 28,
        n % 1000
    );
    let check = fazhi_platform::identity::check_character(&body).unwrap_or('0');
    format!("{body}{check}")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Loads a township's training records for the year before `today`'s and
/// this year up to today. Of its officers, all but two were certified last
/// year, one this year, and the newest not yet (老城镇: 19 holders of 20, as
/// in its report). Returns those certified since last year.
pub async fn load(
    c: &mut Clients,
    t: &Township,
    index: usize,
    today: NaiveDate,
    dice: &mut Dice,
) -> anyhow::Result<Vec<String>> {
    let (this, last) = (today.year(), today.year() - 1);
    let mut officers = Vec::new();
    for n in 0..t.officers {
        let person = pb::Person {
            division_code: t.code.to_owned(),
            name: format!("{}执法队员{:02}", t.name, n + 1),
            id_number: id_number(index * 1000 + n),
            unit: format!("{}综合行政执法大队", t.name),
            employment: pb::Employment::CivilServant as i32,
            rank: if n < t.section_level {
                "副科级"
            } else {
                "科员"
            }
            .to_owned(),
            section_level: n < t.section_level,
            enforcement_post: true,
            ..Default::default()
        };
        let created = c
            .training
            .create_person(c.sign(pb::CreatePersonRequest {
                person: Some(person),
            }))
            .await?
            .into_inner();
        officers.push(created.id);
    }
    let (veterans, rest) = officers.split_at(officers.len() - 2);
    let newcomer = &rest[..1];
    // The qualification exam and pre-service training before each issue.
    for (people, exam_on, issued_on) in [
        (veterans, day(last, 3, 1), day(last, 4, 1)),
        (newcomer, day(this, 2, 1), day(this, 3, 1)),
    ] {
        if issued_on > today {
            continue;
        }
        exam(
            c,
            t,
            pb::ExamKind::Qualification,
            "执法资格考试",
            exam_on,
            people,
            dice,
        )
        .await?;
        session(
            c,
            t,
            "岗前培训",
            exam_on.succ_opt().unwrap_or(exam_on),
            people,
            8.0,
        )
        .await?;
        for person in people {
            let number = format!(
                "豫执{}{:02}",
                &t.code[6..],
                officers.iter().position(|p| p == person).unwrap_or(0)
            );
            c.training
                .issue_certificate(c.sign(pb::IssueCertificateRequest {
                    certificate: Some(pb::Certificate {
                        number: format!("{number}{}", issued_on.year() % 100),
                        person_id: person.clone(),
                        issued_on: date_to_proto(issued_on),
                        ..Default::default()
                    }),
                }))
                .await?;
        }
    }
    for year in [last, this] {
        for (topic, month) in [
            ("行政处罚法专题培训", 3),
            ("习近平法治思想专题培训", 6),
            ("执法程序规范培训", 9),
        ] {
            let held = day(year, month, 15);
            if held <= today {
                session(c, t, topic, held, &officers, 20.0).await?;
            }
        }
        let law_study = day(year, 10, 10);
        if law_study <= today {
            exam(
                c,
                t,
                pb::ExamKind::LawStudy,
                &format!("{year}年度学法考试"),
                law_study,
                &officers,
                dice,
            )
            .await?;
        }
        let review = day(year, 11, 20);
        if review <= today {
            // Those certified before the year reviewed.
            exam(
                c,
                t,
                pb::ExamKind::AnnualReview,
                &format!("{year}年度执法证年审考试"),
                review,
                veterans,
                dice,
            )
            .await?;
            c.training
                .run_annual_review(c.sign(pb::RunAnnualReviewRequest {
                    division_code: t.code.to_owned(),
                    year,
                    on: date_to_proto(review.succ_opt().unwrap_or(review)),
                }))
                .await?;
        }
        for n in 0..t.outreach_per_year {
            let held = day(
                year,
                1 + (n as u32 * 12 / t.outreach_per_year as u32),
                4 + dice.below(20) as u32,
            );
            if held > today {
                continue;
            }
            let audience = if n % 3 == 0 {
                pb::Audience::School
            } else {
                pb::Audience::Village
            };
            c.training
                .record_outreach(c.sign(pb::RecordOutreachRequest {
                    event: Some(pb::OutreachEvent {
                        division_code: t.code.to_owned(),
                        held_on: date_to_proto(held),
                        theme: OUTREACH_THEMES[n % OUTREACH_THEMES.len()].to_owned(),
                        audience: audience as i32,
                        materials: 20 + dice.below(20) as i64,
                        people_reached: 120 + dice.below(100) as i64,
                        ..Default::default()
                    }),
                }))
                .await?;
        }
    }
    Ok(veterans.to_vec())
}

async fn exam(
    c: &mut Clients,
    t: &Township,
    kind: pb::ExamKind,
    title: &str,
    held_on: NaiveDate,
    people: &[String],
    dice: &mut Dice,
) -> anyhow::Result<()> {
    let results = people
        .iter()
        .map(|p| pb::ExamResult {
            person_id: p.clone(),
            score: Some(80.0 + dice.below(20) as f64),
        })
        .collect();
    c.training
        .record_exam(c.sign(pb::RecordExamRequest {
            exam: Some(pb::Exam {
                division_code: t.code.to_owned(),
                kind: kind as i32,
                title: title.to_owned(),
                held_on: date_to_proto(held_on),
                results,
                ..Default::default()
            }),
        }))
        .await?;
    Ok(())
}

async fn session(
    c: &mut Clients,
    t: &Township,
    topic: &str,
    held_on: NaiveDate,
    people: &[String],
    hours: f64,
) -> anyhow::Result<()> {
    let kind = if topic == "岗前培训" {
        pb::TrainingKind::InPerson
    } else {
        pb::TrainingKind::SpecialTopic
    };
    c.training
        .record_training(
            c.sign(pb::RecordTrainingRequest {
                session: Some(pb::TrainingSession {
                    division_code: t.code.to_owned(),
                    topic: topic.to_owned(),
                    kind: kind as i32,
                    held_on: date_to_proto(held_on),
                    attendance: people
                        .iter()
                        .map(|p| pb::Attendance {
                            person_id: p.clone(),
                            hours,
                        })
                        .collect(),
                    ..Default::default()
                }),
            }),
        )
        .await?;
    Ok(())
}
