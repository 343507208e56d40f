//! Issuing a certificate: 执法必持证 starts here, and only for someone the
//! rules allow.

use chrono::{Months, NaiveDate};
use fazhi_platform::Code;
use fazhi_platform::Error;

use super::{Certificate, Employment, ExamKind, Person, Sitting, TrainingRules, rule};

/// Whether `person` may be issued a certificate on `on`.
///
/// `sittings` are the person's exam results; `held` their certificates;
/// `barred_until` the end of a re-issue bar after a revocation (by review
/// or for misconduct); `trained_tenths` the hours attended in the
/// qualification window before `on` (持证必培训).
pub fn check_issue(
    person: &Person,
    sittings: &[Sitting],
    held: &[Certificate],
    barred_until: Option<NaiveDate>,
    trained_tenths: i64,
    on: NaiveDate,
    rules: &TrainingRules,
) -> Result<(), Error> {
    match person.employment {
        Employment::CivilServant | Employment::PublicInstitution => {}
        Employment::Auxiliary => {
            return Err(rule(
                Code::AuxiliaryCannotHoldCertificate,
                "person_id",
                "auxiliary staff (辅助人员) can never hold an enforcement certificate",
            ));
        }
        Employment::Worker | Employment::Contract | Employment::Temporary => {
            return Err(rule(
                Code::EmploymentCannotHoldCertificate,
                "person_id",
                format!(
                    "{} staff (工勤, 合同制, 临时) can never hold an enforcement certificate",
                    person.employment
                ),
            ));
        }
    }
    if !person.enforcement_post {
        return Err(rule(
            Code::NotInEnforcementPost,
            "person_id",
            "a certificate is issued only to a person in an enforcement post",
        ));
    }
    if let Some(until) = barred_until
        && on <= until
    {
        return Err(rule(
            Code::ReissueBarred,
            "person_id",
            format!(
                "a certificate was revoked (at annual review or for misconduct); none may be issued before {}",
                until.succ_opt().unwrap_or(until)
            ),
        ));
    }
    if held.iter().any(|c| c.in_force(on)) {
        return Err(rule(
            Code::AlreadyCertified,
            "person_id",
            "the person already holds a certificate in force",
        ));
    }
    let window = qualification_window(on, rules);
    let qualified = sittings
        .iter()
        .any(|s| s.kind == ExamKind::Qualification && s.passed() && window.contains(s.held_on));
    if !qualified {
        return Err(rule(
            Code::NoPassingQualificationExam,
            "person_id",
            format!(
                "no passed qualification exam (执法资格考试) in the {} months before {on}",
                rules.qualification_valid_months
            ),
        ));
    }
    // 持证必培训: training on record in the same window as the exam.
    let needed = i64::from(rules.issue_training_hours) * 10;
    if rules.issue_requires_training && (trained_tenths <= 0 || trained_tenths < needed) {
        return Err(rule(
            Code::NoTrainingOnRecord,
            "person_id",
            format!(
                "no training on record (持证必培训): {} 学时 in the {} months before {on}, at least {} needed",
                trained_tenths as f64 / 10.0,
                rules.qualification_valid_months,
                rules.issue_training_hours.max(1)
            ),
        ));
    }
    // Last: a held registration answers every other rule as any other does,
    // so only a person with a passed qualification exam on record — itself
    // a record the county sees — learns that it waits.
    if person.held_for.is_some() {
        return Err(rule(
            Code::RegistrationHeld,
            "person_id",
            "the county is checking this registration against its register of enforcement \
             staff; a certificate can be issued once it is confirmed",
        ));
    }
    Ok(())
}

/// The qualification window before issuing on `on`: a passed qualification
/// exam and the training 持证必培训 asks for count when held after `since`
/// and up to and including `on` (the one definition; the store's training
/// sum takes the same bounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualificationWindow {
    /// The day before the window opens.
    pub since: NaiveDate,
    /// The window's last day.
    pub on: NaiveDate,
}

impl QualificationWindow {
    pub fn contains(&self, day: NaiveDate) -> bool {
        day > self.since && day <= self.on
    }
}

/// The `qualification_valid_months` before `on`.
pub fn qualification_window(on: NaiveDate, rules: &TrainingRules) -> QualificationWindow {
    QualificationWindow {
        since: on
            .checked_sub_months(Months::new(rules.qualification_valid_months))
            .unwrap_or(NaiveDate::MIN),
        on,
    }
}

/// The end of the re-issue bar after a revocation by review on `revoked_on`.
pub fn reissue_bar_until(revoked_on: NaiveDate, rules: &TrainingRules) -> NaiveDate {
    revoked_on
        .checked_add_months(Months::new(rules.reissue_bar_years * 12))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{fixtures::*, *};

    /// 学时 (tenths) of training in the year before issue: enough.
    const TRAINED: i64 = 600;

    #[test]
    fn auxiliary_staff_never_get_a_certificate() {
        let passed = [sitting(ExamKind::Qualification, "2023-05-01", Some(800))];
        let err = check_issue(
            &person(Employment::Auxiliary),
            &passed,
            &[],
            None,
            TRAINED,
            day("2023-06-01"),
            &TrainingRules::default(),
        )
        .unwrap_err();
        assert_eq!(err.code, "auxiliary_cannot_hold_certificate");
        assert_eq!(err.kind, ErrorKind::RuleViolation);
    }

    #[test]
    fn a_registration_held_for_the_county_gets_no_certificate() {
        let passed = [sitting(ExamKind::Qualification, "2023-05-01", Some(800))];
        let held = Person {
            held_for: Some("p0".into()),
            ..person(Employment::CivilServant)
        };
        let rules = TrainingRules::default();
        let on = day("2023-06-01");
        let err = check_issue(&held, &passed, &[], None, TRAINED, on, &rules).unwrap_err();
        assert_eq!(err.code, "registration_held");
        let confirmed = Person {
            held_for: None,
            ..held
        };
        assert!(check_issue(&confirmed, &passed, &[], None, TRAINED, on, &rules).is_ok());
    }

    #[test]
    fn workers_contract_and_temporary_staff_are_refused_like_auxiliaries() {
        let passed = [sitting(ExamKind::Qualification, "2023-05-01", Some(800))];
        let rules = TrainingRules::default();
        for employment in [
            Employment::Worker,
            Employment::Contract,
            Employment::Temporary,
        ] {
            let err = check_issue(
                &person(employment),
                &passed,
                &[],
                None,
                TRAINED,
                day("2023-06-01"),
                &rules,
            )
            .unwrap_err();
            assert_eq!(
                err.code, "employment_cannot_hold_certificate",
                "{employment}"
            );
        }
    }

    #[test]
    fn a_certificate_needs_training_on_record_as_the_settings_require() {
        let passed = [sitting(ExamKind::Qualification, "2023-05-01", Some(800))];
        let p = person(Employment::CivilServant);
        let on = day("2023-06-01");
        let rules = TrainingRules::default();
        let err = check_issue(&p, &passed, &[], None, 0, on, &rules).unwrap_err();
        assert_eq!(err.code, "no_training_on_record");
        assert!(
            check_issue(&p, &passed, &[], None, 5, on, &rules).is_ok(),
            "any training"
        );
        let forty = TrainingRules {
            issue_training_hours: 40,
            ..TrainingRules::default()
        };
        assert_eq!(
            check_issue(&p, &passed, &[], None, 399, on, &forty)
                .unwrap_err()
                .code,
            "no_training_on_record"
        );
        assert!(check_issue(&p, &passed, &[], None, 400, on, &forty).is_ok());
        let waived = TrainingRules {
            issue_requires_training: false,
            ..TrainingRules::default()
        };
        assert!(check_issue(&p, &passed, &[], None, 0, on, &waived).is_ok());
    }

    #[test]
    fn only_a_person_in_an_enforcement_post_is_issued_a_certificate() {
        let passed = [sitting(ExamKind::Qualification, "2023-05-01", Some(800))];
        let off_post = Person {
            enforcement_post: false,
            ..person(Employment::CivilServant)
        };
        let err = check_issue(
            &off_post,
            &passed,
            &[],
            None,
            TRAINED,
            day("2023-06-01"),
            &TrainingRules::default(),
        )
        .unwrap_err();
        assert_eq!(err.code, "not_in_enforcement_post");
    }

    #[test]
    fn issue_needs_a_qualification_exam_passed_in_the_last_12_months() {
        let rules = TrainingRules::default();
        let p = person(Employment::CivilServant);
        let on = day("2023-06-01");
        let ok = [sitting(ExamKind::Qualification, "2022-06-02", Some(600))];
        assert!(check_issue(&p, &ok, &[], None, TRAINED, on, &rules).is_ok());
        for (why, sittings) in [
            (
                "too old",
                vec![sitting(ExamKind::Qualification, "2022-06-01", Some(900))],
            ),
            (
                "failed",
                vec![sitting(ExamKind::Qualification, "2023-05-01", Some(599))],
            ),
            (
                "absent",
                vec![sitting(ExamKind::Qualification, "2023-05-01", None)],
            ),
            (
                "another kind",
                vec![sitting(ExamKind::LawStudy, "2023-05-01", Some(900))],
            ),
            ("none", vec![]),
        ] {
            let err = check_issue(&p, &sittings, &[], None, TRAINED, on, &rules).unwrap_err();
            assert_eq!(err.code, "no_passing_qualification_exam", "{why}");
        }
    }

    #[test]
    fn a_revocation_by_review_bars_reissue_for_two_years() {
        let rules = TrainingRules::default();
        let bar = reissue_bar_until(day("2023-12-20"), &rules);
        assert_eq!(bar, day("2025-12-20"));
        let p = person(Employment::CivilServant);
        let sittings = [sitting(ExamKind::Qualification, "2025-06-01", Some(900))];
        let err = check_issue(
            &p,
            &sittings,
            &[],
            Some(bar),
            TRAINED,
            day("2025-12-20"),
            &rules,
        )
        .unwrap_err();
        assert_eq!(err.code, "reissue_barred");
        assert!(
            check_issue(
                &p,
                &sittings,
                &[],
                Some(bar),
                TRAINED,
                day("2025-12-21"),
                &rules
            )
            .is_ok()
        );
    }

    #[test]
    fn one_person_holds_one_certificate_in_force() {
        let rules = TrainingRules::default();
        let sittings = [sitting(ExamKind::Qualification, "2023-05-01", Some(900))];
        let held = [certificate(CertificateStatus::Active, "2021-03-01")];
        let err = check_issue(
            &person(Employment::CivilServant),
            &sittings,
            &held,
            None,
            TRAINED,
            day("2023-06-01"),
            &rules,
        )
        .unwrap_err();
        assert_eq!(err.code, "already_certified");
    }
}
