//! The rules of DOMAIN.md "Training, exams and certificates": 执法必持证、
//! 持证必培训、培训必考试. No I/O here; the store and the gRPC adapter call in.
//!
//! Hours (学时) and scores are kept in tenths, so 1.5 学时 is 15 and a
//! score of 87.5 is 875: exact sums, no floating point.

use chrono::{Datelike, Months, NaiveDate};
use fazhi_platform::{
    DivisionCode, Error, ErrorKind, coded_enum,
    text::{self, Lines},
};
use serde::{Deserialize, Serialize};

coded_enum! {
    /// How a person is employed.
    Employment {
        /// 公务员
        CivilServant => "civil_servant",
        /// 事业单位职员
        PublicInstitution => "public_institution",
        /// 辅助人员: never holds an enforcement certificate.
        Auxiliary => "auxiliary",
    }
}

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

coded_enum! {
    /// Where a certificate stands.
    CertificateStatus {
        Active => "active",
        /// Off duty until a retake passes.
        Suspended => "suspended",
        Revoked => "revoked",
        Expired => "expired",
    }
}

coded_enum! {
    /// What an annual review decided for one certificate.
    ReviewOutcome {
        Passed => "passed",
        Suspended => "suspended",
        Revoked => "revoked",
    }
}

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
        }
    }
}

fn rule(code: &str, field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::RuleViolation, code, message).with_field(field)
}

/// Checks a resident ID number (GB 11643-1999): 18 characters, a valid
/// birth date, and the ISO 7064 MOD 11-2 check character. Returns it in
/// upper case.
pub fn check_id_number(field: &str, text: &str) -> Result<String, Error> {
    let id = text.trim().to_ascii_uppercase();
    let bad = |why: &str| {
        Error::invalid_field(
            field,
            "invalid_id_number",
            format!("{field} is not a valid resident ID number: {why}"),
        )
    };
    let bytes = id.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err(bad("18 characters, digits with a final digit or X"));
    }
    let birth = NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").map_err(|_| bad("birth date"))?;
    if birth.year() < 1900 {
        return Err(bad("birth date"));
    }
    if check_character(&id[..17]) != Some(bytes[17] as char) {
        return Err(bad("check digit"));
    }
    Ok(id)
}

/// The ISO 7064 MOD 11-2 check character of an ID number's first 17 digits.
pub fn check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

/// A person who may be trained, examined and certified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub division: DivisionCode,
    pub name: String,
    pub id_number: String,
    pub unit: String,
    pub employment: Employment,
    /// 职级, as written (e.g. 四级主任科员).
    pub rank: String,
    /// 科级以上, reported separately.
    pub section_level: bool,
    /// In an enforcement post.
    pub enforcement_post: bool,
    pub version: i64,
    /// Held for the county: the record on the county's register with the
    /// same ID number, outside the division that registered this one.
    pub held_for: Option<String>,
}

/// One record of an ID number: on the county's register (`held_for` none),
/// or a registration held for the county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub person_id: String,
    pub id_number: String,
    pub division: DivisionCode,
    pub held_for: Option<String>,
}

/// Whether a registration of `id_number` may go on the register (`None`) or
/// is held for the county (the register's record), given every record of
/// the number and which divisions the registrant `sees`.
///
/// Only a record the registrant can see refuses the registration: telling
/// it "on record" about a record elsewhere would answer, for anyone who
/// asks, where a given ID number is employed. Such a registration is held
/// instead, answered as any other, and the county — which sees both —
/// resolves it; the register still holds each ID number once.
pub fn admit(
    id_number: &str,
    records: &[Registration],
    sees: impl Fn(&DivisionCode) -> bool,
) -> Result<Option<String>, Error> {
    let records = records.iter().filter(|r| r.id_number == id_number);
    let mut register = None;
    for record in records {
        if sees(&record.division) {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                "id_number_exists",
                format!(
                    "a person with this ID number is on record in your divisions ({})",
                    record.person_id
                ),
            )
            .with_field("id_number"));
        }
        if record.held_for.is_none() {
            register = Some(record.person_id.clone());
        }
    }
    Ok(register)
}

/// What is given to record a person.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub division_code: String,
    pub name: String,
    pub id_number: String,
    pub unit: String,
    pub employment: String,
    pub rank: String,
    pub section_level: bool,
    pub enforcement_post: bool,
}

/// Checks a new person's record.
pub fn new_person(new: NewPerson, id: String) -> Result<Person, Error> {
    let division = DivisionCode::parse_field("division_code", &new.division_code)?;
    let name = text::required("name", &new.name, 50, Lines::One)?;
    let unit = text::required("unit", &new.unit, 100, Lines::One)?;
    let employment = Employment::from_code(&new.employment).ok_or_else(|| {
        Error::invalid_field(
            "employment",
            "unknown_code",
            "employment must be civil_servant, public_institution or auxiliary",
        )
    })?;
    let rank = text::optional("rank", Some(&new.rank), 50, Lines::One)?.unwrap_or_default();
    Ok(Person {
        id,
        division,
        name,
        id_number: check_id_number("id_number", &new.id_number)?,
        unit,
        employment,
        rank,
        section_level: new.section_level,
        enforcement_post: new.enforcement_post,
        version: 1,
        held_for: None,
    })
}

/// Hours (in tenths) one person is credited for one session: more than
/// zero, at most 24 in a day.
pub fn check_hours(field: &str, tenths: i64) -> Result<i64, Error> {
    if tenths <= 0 || tenths > 240 {
        return Err(Error::invalid_field(
            field,
            "invalid_hours",
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
            "invalid_score",
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
            "date_in_future",
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

/// A certificate and the dated history of its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub id: String,
    pub number: String,
    pub person_id: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub status: CertificateStatus,
    /// When the current status began.
    pub status_since: NaiveDate,
    pub version: i64,
}

/// The last day a certificate issued on `issued_on` is valid.
pub fn valid_until(issued_on: NaiveDate, rules: &TrainingRules) -> NaiveDate {
    let end = issued_on
        .checked_add_months(Months::new(rules.certificate_validity_years * 12))
        .unwrap_or(NaiveDate::MAX);
    end.pred_opt().unwrap_or(end)
}

/// Whether `person` may be issued a certificate on `on`.
///
/// `sittings` are the person's exam results; `held` their certificates;
/// `barred_until` the end of a re-issue bar after a revocation by review.
pub fn check_issue(
    person: &Person,
    sittings: &[Sitting],
    held: &[Certificate],
    barred_until: Option<NaiveDate>,
    on: NaiveDate,
    rules: &TrainingRules,
) -> Result<(), Error> {
    if person.employment == Employment::Auxiliary {
        return Err(rule(
            "auxiliary_cannot_hold_certificate",
            "person_id",
            "auxiliary staff (辅助人员) can never hold an enforcement certificate",
        ));
    }
    if let Some(until) = barred_until
        && on <= until
    {
        return Err(rule(
            "reissue_barred",
            "person_id",
            format!(
                "a certificate was revoked at annual review; none may be issued before {}",
                until.succ_opt().unwrap_or(until)
            ),
        ));
    }
    if held.iter().any(|c| {
        matches!(
            c.status,
            CertificateStatus::Active | CertificateStatus::Suspended
        ) && c.valid_until >= on
    }) {
        return Err(rule(
            "already_certified",
            "person_id",
            "the person already holds a certificate in force",
        ));
    }
    let since = on
        .checked_sub_months(Months::new(rules.qualification_valid_months))
        .unwrap_or(NaiveDate::MIN);
    let qualified = sittings.iter().any(|s| {
        s.kind == ExamKind::Qualification && s.passed() && s.held_on > since && s.held_on <= on
    });
    if !qualified {
        return Err(rule(
            "no_passing_qualification_exam",
            "person_id",
            format!(
                "no passed qualification exam (执法资格考试) in the {} months before {on}",
                rules.qualification_valid_months
            ),
        ));
    }
    // Last: a held registration answers every other rule as any other does,
    // so only a person with a passed qualification exam on record — itself
    // a record the county sees — learns that it waits.
    if person.held_for.is_some() {
        return Err(rule(
            "registration_held",
            "person_id",
            "the county is checking this registration against its register of enforcement \
             staff; a certificate can be issued once it is confirmed",
        ));
    }
    Ok(())
}

/// The end of the re-issue bar after a revocation by review on `revoked_on`.
pub fn reissue_bar_until(revoked_on: NaiveDate, rules: &TrainingRules) -> NaiveDate {
    revoked_on
        .checked_add_months(Months::new(rules.reissue_bar_years * 12))
        .unwrap_or(NaiveDate::MAX)
}

/// Why a person is not certified on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCertified {
    NoCertificate,
    NotYetIssued,
    Expired,
    Suspended,
    Revoked,
}

impl NotCertified {
    pub fn code(self) -> &'static str {
        match self {
            NotCertified::NoCertificate => "no_certificate",
            NotCertified::NotYetIssued => "not_yet_issued",
            NotCertified::Expired => "expired",
            NotCertified::Suspended => "suspended",
            NotCertified::Revoked => "revoked",
        }
    }
}

/// The status a certificate had on `date`, from its dated history (each
/// entry: the day a status began), oldest first.
pub fn status_on(
    history: &[(NaiveDate, CertificateStatus)],
    date: NaiveDate,
) -> Option<CertificateStatus> {
    history
        .iter()
        .take_while(|(since, _)| *since <= date)
        .last()
        .map(|(_, status)| *status)
}

/// "Certified on date D": a certificate active on D, issued by D and not
/// expired on D. `certificates` come with their histories.
pub fn certified_on(
    certificates: &[(Certificate, Vec<(NaiveDate, CertificateStatus)>)],
    date: NaiveDate,
) -> Result<String, NotCertified> {
    let mut reason = NotCertified::NoCertificate;
    for (certificate, history) in certificates {
        let why = if date < certificate.issued_on {
            NotCertified::NotYetIssued
        } else if date > certificate.valid_until {
            NotCertified::Expired
        } else {
            match status_on(history, date) {
                Some(CertificateStatus::Active) => return Ok(certificate.number.clone()),
                Some(CertificateStatus::Suspended) => NotCertified::Suspended,
                Some(CertificateStatus::Revoked) => NotCertified::Revoked,
                Some(CertificateStatus::Expired) => NotCertified::Expired,
                None => NotCertified::NotYetIssued,
            }
        };
        // The most telling reason wins: suspended or revoked over expiry.
        if rank(why) > rank(reason) {
            reason = why;
        }
    }
    Err(reason)
}

fn rank(reason: NotCertified) -> u8 {
    match reason {
        NotCertified::NoCertificate => 0,
        NotCertified::NotYetIssued => 1,
        NotCertified::Expired => 2,
        NotCertified::Revoked => 3,
        NotCertified::Suspended => 4,
    }
}

/// A state change asked for by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Suspend,
    Reinstate,
    Revoke,
    Expire,
}

/// A hand transition's date must lie between the certificate's last
/// recorded change (its issue, or its latest status change) and today:
/// history is never rewritten behind later entries, and nothing is dated
/// ahead, so every reader of the dated history agrees with its status now.
pub fn check_transition_date(
    certificate: &Certificate,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Error> {
    let since = certificate.status_since.max(certificate.issued_on);
    if on < since || on > today {
        return Err(Error::new(
            ErrorKind::RuleViolation,
            "date_out_of_range",
            format!("on must lie from {since} (the certificate's last change) to {today} (today)"),
        )
        .with_field("on"));
    }
    Ok(on)
}

/// The status after `transition`, or why it is refused.
pub fn transition(
    certificate: &Certificate,
    transition: Transition,
    on: NaiveDate,
) -> Result<CertificateStatus, Error> {
    use CertificateStatus as S;
    let refused = |what: &str| {
        Error::new(
            ErrorKind::FailedPrecondition,
            "invalid_transition",
            format!("a {} certificate cannot be {what}", certificate.status),
        )
    };
    match (transition, certificate.status) {
        (Transition::Suspend, S::Active) => Ok(S::Suspended),
        (Transition::Suspend, _) => Err(refused("suspended")),
        (Transition::Reinstate, S::Suspended) if on <= certificate.valid_until => Ok(S::Active),
        (Transition::Reinstate, _) => Err(refused("reinstated")),
        (Transition::Revoke, S::Active | S::Suspended) => Ok(S::Revoked),
        (Transition::Revoke, _) => Err(refused("revoked")),
        (Transition::Expire, S::Active | S::Suspended) if on > certificate.valid_until => {
            Ok(S::Expired)
        }
        (Transition::Expire, S::Active | S::Suspended) => Err(Error::new(
            ErrorKind::FailedPrecondition,
            "not_yet_expired",
            format!("the certificate is valid until {}", certificate.valid_until),
        )),
        (Transition::Expire, _) => Err(refused("expired")),
    }
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

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn person(employment: Employment) -> Person {
        Person {
            id: "p1".into(),
            division: DivisionCode::parse("411624100").unwrap(),
            name: "李四".into(),
            id_number: "11010519491231002X".into(),
            unit: "综合行政执法大队".into(),
            employment,
            rank: String::new(),
            section_level: false,
            enforcement_post: true,
            version: 1,
            held_for: None,
        }
    }

    fn sitting(kind: ExamKind, held_on: &str, score: Option<i64>) -> Sitting {
        Sitting {
            kind,
            held_on: day(held_on),
            score,
            pass_mark: 600,
        }
    }

    fn certificate(status: CertificateStatus, since: &str) -> Certificate {
        Certificate {
            id: "c1".into(),
            number: "豫41162400001".into(),
            person_id: "p1".into(),
            issued_on: day("2021-03-01"),
            valid_until: day("2026-02-28"),
            status,
            status_since: day(since),
            version: 1,
        }
    }

    #[test]
    fn id_numbers_need_a_valid_birth_date_and_check_digit() {
        assert_eq!(
            check_id_number("id_number", "11010519491231002x").unwrap(),
            "11010519491231002X"
        );
        assert!(
            check_id_number("id_number", "110105194912310021").is_err(),
            "check digit"
        );
        assert!(
            check_id_number("id_number", "110105194913310028").is_err(),
            "month 13"
        );
        assert!(
            check_id_number("id_number", "1101051949123100").is_err(),
            "length"
        );
        let err = check_id_number("id_number", "11010519491231002A").unwrap_err();
        assert_eq!(err.code, "invalid_id_number");
        assert_eq!(err.field.as_deref(), Some("id_number"));
    }

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
    fn auxiliary_staff_never_get_a_certificate() {
        let passed = [sitting(ExamKind::Qualification, "2023-05-01", Some(800))];
        let err = check_issue(
            &person(Employment::Auxiliary),
            &passed,
            &[],
            None,
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
        let err = check_issue(&held, &passed, &[], None, on, &rules).unwrap_err();
        assert_eq!(err.code, "registration_held");
        let confirmed = Person {
            held_for: None,
            ..held
        };
        assert!(check_issue(&confirmed, &passed, &[], None, on, &rules).is_ok());
    }

    #[test]
    fn an_id_number_on_record_is_refused_only_where_the_registrant_sees_it() {
        let township = DivisionCode::parse("411624100").unwrap();
        let sees = |d: &DivisionCode| township.contains(d);
        let record = |id: &str, division: &str, held_for: Option<&str>| Registration {
            person_id: id.into(),
            id_number: "11010519491231002X".into(),
            division: DivisionCode::parse(division).unwrap(),
            held_for: held_for.map(str::to_owned),
        };
        let number = "11010519491231002X";
        assert_eq!(admit(number, &[], sees).unwrap(), None, "a new number");
        let here = [record("p1", "411624100001", None)];
        let err = admit(number, &here, sees).unwrap_err();
        assert_eq!(
            (err.kind, err.code.as_str()),
            (ErrorKind::AlreadyExists, "id_number_exists")
        );
        let elsewhere = [record("p2", "411624101", None)];
        assert_eq!(
            admit(number, &elsewhere, sees).unwrap(),
            Some("p2".to_owned()),
            "held for the register's record, not refused"
        );
        let held_here = [
            record("p2", "411624101", None),
            record("p3", "411624100", Some("p2")),
        ];
        assert_eq!(
            admit(number, &held_here, sees).unwrap_err().code,
            "id_number_exists",
            "the township already holds one registration"
        );
        let other_number = [Registration {
            id_number: "11010519491231003X".into(),
            ..record("p4", "411624100", None)
        }];
        assert_eq!(admit(number, &other_number, sees).unwrap(), None);
    }

    #[test]
    fn issue_needs_a_qualification_exam_passed_in_the_last_12_months() {
        let rules = TrainingRules::default();
        let p = person(Employment::CivilServant);
        let on = day("2023-06-01");
        let ok = [sitting(ExamKind::Qualification, "2022-06-02", Some(600))];
        assert!(check_issue(&p, &ok, &[], None, on, &rules).is_ok());
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
            let err = check_issue(&p, &sittings, &[], None, on, &rules).unwrap_err();
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
        let err =
            check_issue(&p, &sittings, &[], Some(bar), day("2025-12-20"), &rules).unwrap_err();
        assert_eq!(err.code, "reissue_barred");
        assert!(check_issue(&p, &sittings, &[], Some(bar), day("2025-12-21"), &rules).is_ok());
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
            day("2023-06-01"),
            &rules,
        )
        .unwrap_err();
        assert_eq!(err.code, "already_certified");
    }

    #[test]
    fn certificates_are_valid_for_five_years_by_default_and_as_configured() {
        let mut rules = TrainingRules::default();
        assert_eq!(valid_until(day("2021-03-01"), &rules), day("2026-02-28"));
        rules.certificate_validity_years = 3;
        assert_eq!(valid_until(day("2024-02-29"), &rules), day("2027-02-27"));
    }

    #[test]
    fn certified_means_active_issued_and_unexpired_on_the_date() {
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        let history = vec![(day("2021-03-01"), CertificateStatus::Active)];
        let held = vec![(active.clone(), history)];
        assert_eq!(
            certified_on(&held, day("2023-01-01")).unwrap(),
            active.number
        );
        assert_eq!(
            certified_on(&held, day("2021-02-28")).unwrap_err(),
            NotCertified::NotYetIssued
        );
        assert_eq!(
            certified_on(&held, day("2026-03-01")).unwrap_err(),
            NotCertified::Expired
        );
        assert_eq!(
            certified_on(&[], day("2023-01-01")).unwrap_err(),
            NotCertified::NoCertificate
        );
    }

    #[test]
    fn a_suspension_counts_from_its_date_and_a_reinstatement_from_its_own() {
        let cert = certificate(CertificateStatus::Active, "2023-11-01");
        let history = vec![
            (day("2021-03-01"), CertificateStatus::Active),
            (day("2023-10-01"), CertificateStatus::Suspended),
            (day("2023-11-01"), CertificateStatus::Active),
        ];
        let held = vec![(cert, history)];
        assert!(certified_on(&held, day("2023-09-30")).is_ok());
        assert_eq!(
            certified_on(&held, day("2023-10-01")).unwrap_err(),
            NotCertified::Suspended
        );
        assert!(certified_on(&held, day("2023-11-01")).is_ok());
    }

    #[test]
    fn a_transition_cannot_be_dated_before_the_last_change_or_after_today() {
        let suspended = certificate(CertificateStatus::Suspended, "2023-05-01");
        let today = day("2023-06-01");
        for on in ["1900-01-01", "2023-04-30", "2023-06-02"] {
            let err = check_transition_date(&suspended, day(on), today).unwrap_err();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                ("date_out_of_range", Some("on"))
            );
        }
        for on in ["2023-05-01", "2023-06-01"] {
            assert!(check_transition_date(&suspended, day(on), today).is_ok());
        }
    }

    #[test]
    fn hand_transitions_follow_the_state_machine() {
        let on = day("2023-06-01");
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        assert_eq!(
            transition(&active, Transition::Suspend, on).unwrap(),
            CertificateStatus::Suspended
        );
        assert_eq!(
            transition(&active, Transition::Revoke, on).unwrap(),
            CertificateStatus::Revoked
        );
        assert_eq!(
            transition(&active, Transition::Reinstate, on)
                .unwrap_err()
                .code,
            "invalid_transition"
        );
        assert_eq!(
            transition(&active, Transition::Expire, on)
                .unwrap_err()
                .code,
            "not_yet_expired"
        );
        assert_eq!(
            transition(&active, Transition::Expire, day("2026-03-01")).unwrap(),
            CertificateStatus::Expired
        );
        let suspended = certificate(CertificateStatus::Suspended, "2023-05-01");
        assert_eq!(
            transition(&suspended, Transition::Reinstate, on).unwrap(),
            CertificateStatus::Active
        );
        let revoked = certificate(CertificateStatus::Revoked, "2023-05-01");
        for t in [
            Transition::Suspend,
            Transition::Reinstate,
            Transition::Revoke,
            Transition::Expire,
        ] {
            assert_eq!(
                transition(&revoked, t, on).unwrap_err().kind,
                ErrorKind::FailedPrecondition
            );
        }
    }

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
}
