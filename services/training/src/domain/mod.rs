//! The rules of DOMAIN.md "Training, exams and certificates": 执法必持证、
//! 持证必培训、培训必考试. No I/O here: no database, no transport (a check in
//! `.ci/run` keeps it so); the store and the gRPC adapter call in.
//!
//! Hours (学时) and scores are kept in tenths, so 1.5 学时 is 15 and a
//! score of 87.5 is 875: exact sums, no floating point.

mod certificate;
mod competence;
mod issue;
mod outreach;
mod person;
mod records;
mod review;

pub use certificate::*;
pub use competence::*;
pub use issue::*;
pub use outreach::*;
pub use person::*;
pub use records::*;
pub use review::*;

use fazhi_platform::Code;
use fazhi_platform::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

/// The numbers of the training rules; DOMAIN.md's defaults, set per province.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingRules {
    /// 学时 each enforcement officer needs per year.
    pub hours_per_year: u32,
    /// Default pass mark of an exam, out of 100.
    pub pass_mark: u32,
    /// Default excellent mark of an exam, out of 100.
    pub excellent_mark: u32,
    /// Years a certificate is valid from issue.
    pub certificate_validity_years: u32,
    /// How recent a passed qualification exam must be to issue, in months.
    pub qualification_valid_months: u32,
    /// Years after a revocation by review before a certificate may be issued again.
    pub reissue_bar_years: u32,
    /// Whether the annual review needs the year's annual-review exam passed.
    pub review_requires_exam: bool,
    /// Whether the annual review needs the year's training hours met.
    pub review_requires_hours: bool,
    /// Whether issuing needs training on record in the qualification window
    /// (持证必培训).
    pub issue_requires_training: bool,
    /// 学时 that training must come to (0: any training at all).
    pub issue_training_hours: u32,
    /// Month and day of the year after a review until which a suspended
    /// certificate's retake may be held (31 March by default).
    pub retake_cutoff_month: u32,
    pub retake_cutoff_day: u32,
}

impl Default for TrainingRules {
    fn default() -> Self {
        Self {
            hours_per_year: 60,
            pass_mark: 60,
            excellent_mark: 90,
            certificate_validity_years: 5,
            qualification_valid_months: 12,
            reissue_bar_years: 2,
            review_requires_exam: true,
            review_requires_hours: true,
            issue_requires_training: true,
            issue_training_hours: 0,
            retake_cutoff_month: 3,
            retake_cutoff_day: 31,
        }
    }
}

/// A refusal by one of the rules, naming the field it concerns.
fn rule(code: Code, field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::RuleViolation, code, message).with_field(field)
}

#[cfg(test)]
mod fixtures;
