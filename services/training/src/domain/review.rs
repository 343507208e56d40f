//! The annual review (年审) of certificates.

use chrono::{Datelike, NaiveDate};
use fazhi_platform::Code;
use fazhi_platform::{Error, coded_enum};

use super::{Certificate, CertificateStatus, ExamKind, Sitting, TrainingRules};

coded_enum! {
    /// What an annual review decided for one certificate.
    ReviewOutcome {
        Passed => "passed",
        Suspended => "suspended",
        Revoked => "revoked",
    }
}

impl ReviewOutcome {
    /// The status a certificate has after this outcome.
    pub fn status(self) -> CertificateStatus {
        match self {
            ReviewOutcome::Passed => CertificateStatus::Active,
            ReviewOutcome::Suspended => CertificateStatus::Suspended,
            ReviewOutcome::Revoked => CertificateStatus::Revoked,
        }
    }
}

/// What one certificate's annual review needs to know.
#[derive(Debug, Clone)]
pub struct ReviewCase {
    pub certificate: Certificate,
    pub already: Option<ReviewOutcome>,
    /// Exam sittings from the start of the year to the retake cut-off.
    pub sittings: Vec<Sitting>,
    /// Hours (tenths) attended during the year.
    pub hours_tenths: i64,
    /// Make-up training after the year, up to the retake cut-off: (day, tenths).
    pub makeup: Vec<(NaiveDate, i64)>,
}

/// The last day a retake for the review of `year` may be held: the rules'
/// month and day in the year after (the last day of that month when the
/// day is past it).
pub fn retake_cutoff(year: i32, rules: &TrainingRules) -> NaiveDate {
    let next = year + 1;
    let month = rules.retake_cutoff_month.clamp(1, 12);
    (1..=rules.retake_cutoff_day.clamp(1, 31))
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(next, month, day))
        .unwrap_or(NaiveDate::MAX)
}

/// The first year a review can be run for.
pub const FIRST_REVIEW_YEAR: i32 = 2000;

/// A review is run for a year that has begun: from 2000 to this year.
pub fn check_review_year(year: i32, today: NaiveDate) -> Result<i32, Error> {
    if year < FIRST_REVIEW_YEAR || year > today.year() {
        return Err(Error::invalid_field(
            "year",
            Code::InvalidYear,
            format!("year must be from {FIRST_REVIEW_YEAR} to {}", today.year()),
        ));
    }
    Ok(year)
}

/// What the annual review of `year` does to one certificate.
///
/// An active certificate passes when the year's annual-review exam was
/// passed and the year's hours met (as the rules require); otherwise it is
/// suspended. A certificate suspended by this year's review is decided by
/// a retake: an annual-review sitting after the suspension that passes (with
/// the hours met) reinstates it, one that fails revokes it; with no retake
/// yet, nothing changes. So running the review twice changes nothing.
///
/// A retake may be held until [`retake_cutoff`] in the year after, and
/// make-up training (`makeup`) recorded by the day of a retake counts
/// toward the year's hours.
pub fn review(
    certificate: &Certificate,
    already: Option<ReviewOutcome>,
    sittings: &[Sitting],
    hours_tenths: i64,
    makeup: &[(NaiveDate, i64)],
    year: i32,
    rules: &TrainingRules,
) -> Option<ReviewOutcome> {
    // A certificate issued during the year is first reviewed the year after.
    if certificate.issued_on.year() >= year {
        return None;
    }
    let cutoff = retake_cutoff(year, rules);
    let needed = i64::from(rules.hours_per_year) * 10;
    // The year's hours, and make-up training recorded by `day` counting toward them.
    let hours_met_by = |day: NaiveDate| {
        let made_up: i64 = makeup
            .iter()
            .filter(|(on, _)| *on <= day)
            .map(|(_, tenths)| tenths)
            .sum();
        !rules.review_requires_hours || hours_tenths + made_up >= needed
    };
    let review_exams = sittings.iter().filter(|s| s.kind == ExamKind::AnnualReview);
    match (already, certificate.status) {
        (None, CertificateStatus::Active) => {
            let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
            let exam_passed = !rules.review_requires_exam
                || review_exams
                    .clone()
                    .any(|s| s.held_on.year() == year && s.passed());
            Some(if exam_passed && hours_met_by(year_end) {
                ReviewOutcome::Passed
            } else {
                ReviewOutcome::Suspended
            })
        }
        (Some(ReviewOutcome::Suspended), CertificateStatus::Suspended) => {
            let since = certificate.status_since;
            if !rules.review_requires_exam {
                return hours_met_by(cutoff).then_some(ReviewOutcome::Passed);
            }
            let retakes: Vec<&Sitting> = review_exams
                .filter(|s| s.held_on > since && s.held_on <= cutoff && s.score.is_some())
                .collect();
            if retakes.is_empty() {
                None
            } else if retakes
                .iter()
                .any(|s| s.passed() && hours_met_by(s.held_on))
            {
                Some(ReviewOutcome::Passed)
            } else {
                Some(ReviewOutcome::Revoked)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{fixtures::*, *};

    #[test]
    fn the_review_passes_with_the_exam_passed_and_the_hours_met() {
        let rules = TrainingRules::default();
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        let passed = [sitting(ExamKind::AnnualReview, "2023-11-20", Some(850))];
        assert_eq!(
            review(&active, None, &passed, 600, &[], 2023, &rules),
            Some(ReviewOutcome::Passed)
        );
        // Short of hours, or the exam failed or missed, or last year's exam: suspended.
        assert_eq!(
            review(&active, None, &passed, 599, &[], 2023, &rules),
            Some(ReviewOutcome::Suspended)
        );
        let failed = [sitting(ExamKind::AnnualReview, "2023-11-20", Some(590))];
        assert_eq!(
            review(&active, None, &failed, 800, &[], 2023, &rules),
            Some(ReviewOutcome::Suspended)
        );
        let last_year = [sitting(ExamKind::AnnualReview, "2022-11-20", Some(900))];
        assert_eq!(
            review(&active, None, &last_year, 800, &[], 2023, &rules),
            Some(ReviewOutcome::Suspended)
        );
        // Configured to need the hours only.
        let hours_only = TrainingRules {
            review_requires_exam: false,
            ..TrainingRules::default()
        };
        assert_eq!(
            review(&active, None, &[], 600, &[], 2023, &hours_only),
            Some(ReviewOutcome::Passed)
        );
    }

    #[test]
    fn a_failed_retake_revokes_a_passed_retake_reinstates_and_nothing_else_changes() {
        let rules = TrainingRules::default();
        let suspended = certificate(CertificateStatus::Suspended, "2023-11-25");
        let first = sitting(ExamKind::AnnualReview, "2023-11-20", Some(500));
        let already = Some(ReviewOutcome::Suspended);
        assert_eq!(
            review(&suspended, already, &[first], 800, &[], 2023, &rules),
            None,
            "no retake yet"
        );
        let retake_failed = [
            first,
            sitting(ExamKind::AnnualReview, "2023-12-10", Some(550)),
        ];
        assert_eq!(
            review(&suspended, already, &retake_failed, 800, &[], 2023, &rules),
            Some(ReviewOutcome::Revoked)
        );
        let retake_passed = [
            first,
            sitting(ExamKind::AnnualReview, "2023-12-10", Some(700)),
        ];
        assert_eq!(
            review(&suspended, already, &retake_passed, 800, &[], 2023, &rules),
            Some(ReviewOutcome::Passed)
        );
        // A certificate that already passed this year's review is not reviewed again.
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        assert_eq!(
            review(
                &active,
                Some(ReviewOutcome::Passed),
                &[],
                0,
                &[],
                2023,
                &rules
            ),
            None
        );
    }

    #[test]
    fn a_certificate_issued_during_the_year_is_first_reviewed_the_year_after() {
        let rules = TrainingRules::default();
        let new = Certificate {
            issued_on: day("2023-04-01"),
            ..certificate(CertificateStatus::Active, "2023-04-01")
        };
        assert_eq!(review(&new, None, &[], 0, &[], 2023, &rules), None);
        assert_eq!(
            review(&new, None, &[], 0, &[], 2024, &rules),
            Some(ReviewOutcome::Suspended)
        );
    }

    #[test]
    fn a_review_is_run_for_a_year_that_has_begun() {
        let today = day("2024-03-01");
        assert_eq!(check_review_year(2024, today).unwrap(), 2024);
        assert_eq!(check_review_year(2000, today).unwrap(), 2000);
        for bad in [1999, 2025] {
            assert_eq!(
                check_review_year(bad, today).unwrap_err().code,
                "invalid_year"
            );
        }
    }

    #[test]
    fn each_outcome_leaves_its_status() {
        assert_eq!(ReviewOutcome::Passed.status(), CertificateStatus::Active);
        assert_eq!(
            ReviewOutcome::Suspended.status(),
            CertificateStatus::Suspended
        );
        assert_eq!(ReviewOutcome::Revoked.status(), CertificateStatus::Revoked);
    }

    #[test]
    fn the_retake_window_runs_to_31_march_of_the_next_year() {
        let rules = TrainingRules::default();
        assert_eq!(retake_cutoff(2023, &rules), day("2024-03-31"));
        let february = TrainingRules {
            retake_cutoff_month: 2,
            retake_cutoff_day: 31,
            ..TrainingRules::default()
        };
        assert_eq!(
            retake_cutoff(2023, &february),
            day("2024-02-29"),
            "the last day of the month when the day is past it"
        );
    }

    #[test]
    fn a_january_retake_reinstates_and_one_after_the_cut_off_changes_nothing() {
        let rules = TrainingRules::default();
        let suspended = certificate(CertificateStatus::Suspended, "2023-12-20");
        let already = Some(ReviewOutcome::Suspended);
        let january = [sitting(ExamKind::AnnualReview, "2024-01-15", Some(800))];
        assert_eq!(
            review(&suspended, already, &january, 600, &[], 2023, &rules),
            Some(ReviewOutcome::Passed)
        );
        let april = [sitting(ExamKind::AnnualReview, "2024-04-02", Some(800))];
        assert_eq!(
            review(&suspended, already, &april, 600, &[], 2023, &rules),
            None,
            "past the cut-off: not a retake of 2023"
        );
    }

    #[test]
    fn make_up_training_before_the_retake_counts_toward_the_years_hours() {
        let rules = TrainingRules::default();
        let suspended = certificate(CertificateStatus::Suspended, "2023-12-20");
        let already = Some(ReviewOutcome::Suspended);
        let retake = [sitting(ExamKind::AnnualReview, "2024-02-01", Some(800))];
        // 50 学时 in 2023: 10 short.
        let before = [(day("2024-01-10"), 100)];
        assert_eq!(
            review(&suspended, already, &retake, 500, &before, 2023, &rules),
            Some(ReviewOutcome::Passed)
        );
        let after = [(day("2024-02-20"), 100)];
        assert_eq!(
            review(&suspended, already, &retake, 500, &after, 2023, &rules),
            Some(ReviewOutcome::Revoked),
            "made up only after the retake: the shortfall stands"
        );
    }
}
