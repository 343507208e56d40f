//! Training sessions and exams: hours and scores in tenths, dated no
//! later than today.

use chrono::NaiveDate;
use fazhi_platform::Code;
use fazhi_platform::{DivisionCode, Error, coded_enum};

coded_enum! {
    /// How a training session was given.
    TrainingKind {
        InPerson => "in_person",
        /// 网络学习
        Online => "online",
        /// 专题培训
        SpecialTopic => "special_topic",
    }
}

coded_enum! {
    /// What an exam is for.
    ExamKind {
        /// 执法资格考试: the way to a certificate.
        Qualification => "qualification",
        /// 年审考试
        AnnualReview => "annual_review",
        /// 学法考试
        LawStudy => "law_study",
        /// 新法考试
        NewLaw => "new_law",
    }
}

/// Hours (in tenths) one person is credited for one session: more than
/// zero, at most 24 in a day.
pub fn check_hours(field: &str, tenths: i64) -> Result<i64, Error> {
    if tenths <= 0 || tenths > 240 {
        return Err(Error::invalid_field(
            field,
            Code::InvalidHours,
            format!("{field} must be more than 0 and at most 24 hours in a day"),
        ));
    }
    Ok(tenths)
}

/// A score (in tenths) out of 100.
pub fn check_score(field: &str, tenths: i64) -> Result<i64, Error> {
    if !(0..=1000).contains(&tenths) {
        return Err(Error::invalid_field(
            field,
            Code::InvalidScore,
            format!("{field} must be between 0 and 100"),
        ));
    }
    Ok(tenths)
}

/// Results and attendance happen in the past (or today), never later.
pub fn check_not_future(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Error> {
    if date > today {
        return Err(Error::invalid_field(
            field,
            Code::DateInFuture,
            format!("{field} {date} is in the future"),
        ));
    }
    Ok(date)
}

/// One exam result as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sitting {
    pub kind: ExamKind,
    pub held_on: NaiveDate,
    /// `None` when the person was registered but did not sit.
    pub score: Option<i64>,
    /// Pass mark of that exam, in tenths.
    pub pass_mark: i64,
}

impl Sitting {
    pub fn passed(&self) -> bool {
        self.score.is_some_and(|s| s >= self.pass_mark)
    }
}

/// A training session and who attended, for how many hours (tenths).
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub division: DivisionCode,
    pub topic: String,
    pub kind: TrainingKind,
    pub held_on: NaiveDate,
    pub attendance: Vec<(String, i64)>,
}

/// An exam and its results (`None`: registered, did not sit).
#[derive(Debug, Clone)]
pub struct Exam {
    pub id: String,
    pub division: DivisionCode,
    pub kind: ExamKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub pass_mark: i64,
    pub excellent_mark: i64,
    pub results: Vec<(String, Option<i64>)>,
}

/// An exam's marks (tenths): each a score, the excellent mark not below
/// the pass mark.
pub fn check_marks(pass_mark: i64, excellent_mark: i64) -> Result<(i64, i64), Error> {
    let pass_mark = check_score("pass_mark", pass_mark)?;
    let excellent_mark = check_score("excellent_mark", excellent_mark)?;
    if excellent_mark < pass_mark {
        return Err(Error::invalid_field(
            "excellent_mark",
            Code::InvalidMarks,
            "excellent_mark must not be below pass_mark",
        ));
    }
    Ok((pass_mark, excellent_mark))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn hours_must_be_positive_and_at_most_a_day() {
        assert!(check_hours("hours", 15).is_ok());
        assert!(check_hours("hours", 240).is_ok());
        for bad in [0, -10, 241] {
            assert_eq!(check_hours("hours", bad).unwrap_err().code, "invalid_hours");
        }
    }

    #[test]
    fn scores_lie_between_0_and_100() {
        assert!(check_score("score", 0).is_ok() && check_score("score", 1000).is_ok());
        assert!(check_score("score", -1).is_err() && check_score("score", 1001).is_err());
    }

    #[test]
    fn results_cannot_be_dated_in_the_future() {
        let today = day("2023-12-01");
        assert!(check_not_future("held_on", today, today).is_ok());
        assert_eq!(
            check_not_future("held_on", day("2023-12-02"), today)
                .unwrap_err()
                .code,
            "date_in_future"
        );
    }

    #[test]
    fn the_excellent_mark_is_never_below_the_pass_mark() {
        assert_eq!(check_marks(600, 900).unwrap(), (600, 900));
        assert_eq!(check_marks(600, 600).unwrap(), (600, 600));
        let err = check_marks(900, 600).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.field.as_deref()),
            ("invalid_marks", Some("excellent_mark"))
        );
        assert_eq!(check_marks(1001, 1001).unwrap_err().code, "invalid_score");
    }
}
