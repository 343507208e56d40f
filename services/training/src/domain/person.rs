//! People: who may be trained, examined and certified, and the register
//! that holds each resident ID number once.

use chrono::NaiveDate;
use fazhi_platform::Code;
use fazhi_platform::{
    DivisionCode, Error, ErrorKind, coded_enum,
    text::{self, Lines},
};

coded_enum! {
    /// How a person is employed.
    Employment {
        /// 公务员
        CivilServant => "civil_servant",
        /// 事业单位职员
        PublicInstitution => "public_institution",
        /// 辅助人员: never holds an enforcement certificate.
        Auxiliary => "auxiliary",
        /// 工勤人员: never holds one either.
        Worker => "worker",
        /// 合同制 staff: never holds one.
        Contract => "contract",
        /// 临时 staff: never holds one.
        Temporary => "temporary",
    }
}

pub use fazhi_platform::identity::{birth_date, check_character, check_id_number};

coded_enum! {
    /// Where a rank (职级) stands in the ordered list the report counts by:
    /// "科级以上" is the first two, "正科级及以下" all of a township's.
    RankLevel {
        /// 正科级及以上
        ChiefSectionAndAbove => "chief_section_and_above",
        /// 副科级
        DeputySection => "deputy_section",
        /// 科级以下
        BelowSection => "below_section",
    }
}

impl RankLevel {
    /// Whether the level is 科级以上 (section level and above).
    pub fn section_level(self) -> bool {
        self != RankLevel::BelowSection
    }
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
    /// Where the rank stands in the ordered list, when given.
    pub rank_level: Option<RankLevel>,
    /// 科级以上, reported separately (follows `rank_level` when that is given).
    pub section_level: bool,
    /// In an enforcement post.
    pub enforcement_post: bool,
    /// The day they joined the division's staff (到岗); none: on record
    /// before any day asked about. A head count of an earlier day leaves
    /// them out.
    pub joined_on: Option<NaiveDate>,
    /// The number of their legal professional qualification certificate
    /// (法律职业资格证书), when they hold one: a legal reviewer's first
    /// review needs it (行政处罚法 Art. 58).
    pub legal_qualification: Option<String>,
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
                Code::IdNumberExists,
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

/// A transfer moves a person to another division than their own.
pub fn check_transfer(person: &Person, to: &DivisionCode) -> Result<(), Error> {
    if &person.division == to {
        return Err(Error::new(
            ErrorKind::RuleViolation,
            Code::SameDivision,
            format!("the person is already in {to}"),
        )
        .with_field("division_code"));
    }
    Ok(())
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
    /// A `RankLevel` code, or empty.
    pub rank_level: String,
    pub section_level: bool,
    pub enforcement_post: bool,
    pub joined_on: Option<NaiveDate>,
    /// The legal professional qualification certificate's number, or empty.
    pub legal_qualification: String,
}

/// A legal professional qualification certificate's number: up to 32
/// letters and digits (the Ministry of Justice's numbers are 17 digits);
/// empty for none.
fn legal_qualification(text: &str) -> Result<Option<String>, Error> {
    let number = text.trim();
    if number.is_empty() {
        return Ok(None);
    }
    if number.len() > 32 || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid_field(
            "legal_qualification",
            Code::InvalidArgument,
            "legal_qualification is the certificate's number: up to 32 letters and digits",
        ));
    }
    Ok(Some(number.to_ascii_uppercase()))
}

/// Checks a new person's record; `today` bounds the birth date.
pub fn new_person(new: NewPerson, id: String, today: NaiveDate) -> Result<Person, Error> {
    let division = DivisionCode::parse_field("division_code", &new.division_code)?;
    let name = text::required("name", &new.name, 50, Lines::One)?;
    let unit = text::required("unit", &new.unit, 100, Lines::One)?;
    let employment = Employment::from_code(&new.employment).ok_or_else(|| {
        Error::invalid_field(
            "employment",
            Code::UnknownCode,
            "employment must be civil_servant, public_institution, auxiliary, worker, contract or temporary",
        )
    })?;
    let rank = text::optional("rank", Some(&new.rank), 50, Lines::One)?.unwrap_or_default();
    let rank_level = match new.rank_level.as_str() {
        "" => None,
        code => Some(RankLevel::from_code(code).ok_or_else(|| {
            Error::invalid_field(
                "rank_level",
                Code::UnknownCode,
                "rank_level must be chief_section_and_above, deputy_section or below_section",
            )
        })?),
    };
    let id_number = check_id_number("id_number", &new.id_number)?;
    let born = birth_date(&id_number).filter(|born| *born <= today);
    let Some(born) = born else {
        return Err(Error::invalid_field(
            "id_number",
            Code::InvalidIdNumber,
            "id_number is not a valid resident ID number: its birth date is in the future",
        ));
    };
    if let Some(joined) = new.joined_on {
        if joined > today {
            return Err(Error::invalid_field(
                "joined_on",
                Code::DateInFuture,
                "joined_on lies after today",
            ));
        }
        if joined < born {
            return Err(Error::invalid_field(
                "joined_on",
                Code::DateOutOfRange,
                "joined_on lies before the birth date the ID number carries",
            ));
        }
    }
    Ok(Person {
        id,
        division,
        name,
        id_number,
        unit,
        employment,
        rank,
        rank_level,
        section_level: rank_level.map_or(new.section_level, RankLevel::section_level),
        enforcement_post: new.enforcement_post,
        joined_on: new.joined_on,
        legal_qualification: legal_qualification(&new.legal_qualification)?,
        version: 1,
        held_for: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn an_id_number_needs_a_known_province_and_a_birth_date_that_has_come() {
        let valid = |first17: &str| format!("{first17}{}", check_character(first17).unwrap());
        let unknown_province = valid("99010519491231002");
        assert_eq!(
            check_id_number("id_number", &unknown_province)
                .unwrap_err()
                .code,
            "invalid_id_number"
        );
        let person = |id_number: String| NewPerson {
            division_code: "411624100".into(),
            name: "李四".into(),
            id_number,
            unit: "综合行政执法大队".into(),
            employment: "civil_servant".into(),
            rank: String::new(),
            rank_level: String::new(),
            section_level: false,
            enforcement_post: true,
            joined_on: None,
            legal_qualification: Default::default(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let unborn = valid("41162420300101001");
        let err = new_person(person(unborn), "p".into(), today).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.field.as_deref()),
            ("invalid_id_number", Some("id_number"))
        );
        assert!(new_person(person(valid("41162419900101001")), "p".into(), today).is_ok());
        // The day they joined: not after today, not before they were born.
        for (joined, code) in [
            ("2026-11-30", "date_in_future"),
            ("1989-12-31", "date_out_of_range"),
        ] {
            let new = NewPerson {
                joined_on: Some(joined.parse().unwrap()),
                ..person(valid("41162419900101001"))
            };
            let err = new_person(new, "p".into(), today).unwrap_err();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                (code, Some("joined_on"))
            );
        }
    }

    #[test]
    fn a_transfer_goes_to_another_division() {
        let person = crate::domain::fixtures::person(Employment::CivilServant);
        let same = person.division.clone();
        let err = check_transfer(&person, &same).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.field.as_deref()),
            ("same_division", Some("division_code"))
        );
        let other = DivisionCode::parse("411624101").unwrap();
        assert!(check_transfer(&person, &other).is_ok());
    }

    #[test]
    fn the_rank_level_is_an_ordered_list_that_decides_section_level() {
        assert!(RankLevel::ChiefSectionAndAbove.section_level());
        assert!(RankLevel::DeputySection.section_level());
        assert!(!RankLevel::BelowSection.section_level());
        let new = |rank_level: &str, section_level: bool| NewPerson {
            division_code: "411624100".into(),
            name: "李四".into(),
            id_number: "41162419900101001".to_owned()
                + &check_character("41162419900101001").unwrap().to_string(),
            unit: "综合行政执法大队".into(),
            employment: "civil_servant".into(),
            rank: "四级主任科员".into(),
            rank_level: rank_level.into(),
            section_level,
            enforcement_post: true,
            joined_on: None,
            legal_qualification: Default::default(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let deputy = new_person(new("deputy_section", false), "p".into(), today).unwrap();
        assert_eq!(
            (deputy.rank_level, deputy.section_level),
            (Some(RankLevel::DeputySection), true)
        );
        let below = new_person(new("below_section", true), "p".into(), today).unwrap();
        assert!(!below.section_level, "the level decides");
        let unset = new_person(new("", true), "p".into(), today).unwrap();
        assert_eq!((unset.rank_level, unset.section_level), (None, true));
        let err = new_person(new("chief", false), "p".into(), today).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.field.as_deref()),
            ("unknown_code", Some("rank_level"))
        );
    }
}
