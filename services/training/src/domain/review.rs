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
    pub sittings: Vec<Sitting>,
    pub hours_tenths: i64,
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
pub fn review(
    certificate: &Certificate,
    already: Option<ReviewOutcome>,
    sittings: &[Sitting],
    hours_tenths: i64,
    year: i32,
    rules: &TrainingRules,
) -> Option<ReviewOutcome> {
    // A certificate issued during the year is first reviewed the year after.
    if certificate.issued_on.year() >= year {
        return None;
    }
    let hours_met =
        !rules.review_requires_hours || hours_tenths >= i64::from(rules.hours_per_year) * 10;
    let in_year: Vec<&Sitting> = sittings
        .iter()
        .filter(|s| s.kind == ExamKind::AnnualReview && s.held_on.year() == year)
        .collect();
    let exam_passed = |after: Option<NaiveDate>| {
        !rules.review_requires_exam
            || in_year
                .iter()
                .filter(|s| after.is_none_or(|a| s.held_on > a))
                .any(|s| s.passed())
    };
    match (already, certificate.status) {
        (None, CertificateStatus::Active) => Some(if exam_passed(None) && hours_met {
            ReviewOutcome::Passed
        } else {
            ReviewOutcome::Suspended
        }),
        (Some(ReviewOutcome::Suspended), CertificateStatus::Suspended) => {
            let since = certificate.status_since;
            let retakes: Vec<&&Sitting> = in_year
                .iter()
                .filter(|s| s.held_on > since && s.score.is_some())
                .collect();
            if retakes.is_empty() && rules.review_requires_exam {
                None
            } else if exam_passed(Some(since)) && hours_met {
                Some(ReviewOutcome::Passed)
            } else if rules.review_requires_exam {
                Some(ReviewOutcome::Revoked)
            } else {
                None
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
            review(&active, None, &passed, 600, 2023, &rules),
            Some(ReviewOutcome::Passed)
        );
        // Short of hours, or the exam failed or missed, or last year's exam: suspended.
        assert_eq!(
            review(&active, None, &passed, 599, 2023, &rules),
            Some(ReviewOutcome::Suspended)
        );
        let failed = [sitting(ExamKind::AnnualReview, "2023-11-20", Some(590))];
        assert_eq!(
            review(&active, None, &failed, 800, 2023, &rules),
            Some(ReviewOutcome::Suspended)
        );
        let last_year = [sitting(ExamKind::AnnualReview, "2022-11-20", Some(900))];
        assert_eq!(
            review(&active, None, &last_year, 800, 2023, &rules),
            Some(ReviewOutcome::Suspended)
        );
        // Configured to need the hours only.
        let hours_only = TrainingRules {
            review_requires_exam: false,
            ..TrainingRules::default()
        };
        assert_eq!(
            review(&active, None, &[], 600, 2023, &hours_only),
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
            review(&suspended, already, &[first], 800, 2023, &rules),
            None,
            "no retake yet"
        );
        let retake_failed = [
            first,
            sitting(ExamKind::AnnualReview, "2023-12-10", Some(550)),
        ];
        assert_eq!(
            review(&suspended, already, &retake_failed, 800, 2023, &rules),
            Some(ReviewOutcome::Revoked)
        );
        let retake_passed = [
            first,
            sitting(ExamKind::AnnualReview, "2023-12-10", Some(700)),
        ];
        assert_eq!(
            review(&suspended, already, &retake_passed, 800, 2023, &rules),
            Some(ReviewOutcome::Passed)
        );
        // A certificate that already passed this year's review is not reviewed again.
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        assert_eq!(
            review(&active, Some(ReviewOutcome::Passed), &[], 0, 2023, &rules),
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
        assert_eq!(review(&new, None, &[], 0, 2023, &rules), None);
        assert_eq!(
            review(&new, None, &[], 0, 2024, &rules),
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
}
