//! What each of the township's registers holds, checked the same way for one
//! entry sent as JSON and for every row of an imported list.

use chrono::NaiveDate;
use fazhi_platform::{
    Code, DivisionCode, Error, ErrorKind,
    auth::Caller,
    division::DivisionLevel,
    text::{self, Lines},
};
use fazhi_sheet::rows::Columns;

/// The registers, by the path segment that names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    /// 规范性文件: documents filed for review (有件必备、有备必审、有错必纠).
    NormativeDocuments,
    /// 应急预案: the township's plans and each village's.
    EmergencyPlans,
    /// 法律顾问: a legal adviser per village (一村一法律顾问).
    LegalAdvisers,
    /// 民主法治示范村: villages named demonstration villages.
    DemonstrationVillages,
}

impl Register {
    pub const ALL: [Register; 4] = [
        Register::NormativeDocuments,
        Register::EmergencyPlans,
        Register::LegalAdvisers,
        Register::DemonstrationVillages,
    ];

    /// The path segment (`normative-documents`, …); unknown ones are 404.
    pub fn from_path(segment: &str) -> Result<Register, Error> {
        Register::ALL
            .into_iter()
            .find(|r| r.path() == segment)
            .ok_or_else(|| Error::not_found("register"))
    }

    pub fn path(self) -> &'static str {
        match self {
            Register::NormativeDocuments => "normative-documents",
            Register::EmergencyPlans => "emergency-plans",
            Register::LegalAdvisers => "legal-advisers",
            Register::DemonstrationVillages => "demonstration-villages",
        }
    }

    /// The code stored with each entry.
    pub fn code(self) -> &'static str {
        match self {
            Register::NormativeDocuments => "normative_document",
            Register::EmergencyPlans => "emergency_plan",
            Register::LegalAdvisers => "legal_adviser",
            Register::DemonstrationVillages => "demonstration_village",
        }
    }

    /// The kinds an entry may be of, with their Chinese names; empty when the
    /// register has no kind.
    pub fn kinds(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Register::EmergencyPlans => &[("general", "总体"), ("special", "专项")],
            Register::DemonstrationVillages => &[
                ("national", "全国"),
                ("provincial", "省级"),
                ("municipal", "市级"),
                ("county", "县级"),
            ],
            _ => &[],
        }
    }

    /// The columns of its import list: key and the heading townships use.
    pub fn columns(self) -> Columns {
        match self {
            Register::NormativeDocuments => &[
                ("division_code", "区划代码"),
                ("title", "文件名称"),
                ("dated", "印发日期"),
                ("number", "文号"),
                ("filed_on", "报备日期"),
                ("reviewed_on", "审查日期"),
                ("corrected_on", "纠正日期"),
            ],
            Register::EmergencyPlans => &[
                ("division_code", "区划代码"),
                ("title", "预案名称"),
                ("dated", "制定或修订日期"),
                ("kind", "预案类别"),
            ],
            Register::LegalAdvisers => &[
                ("division_code", "区划代码"),
                ("title", "姓名"),
                ("dated", "聘任日期"),
                ("organisation", "执业机构"),
            ],
            Register::DemonstrationVillages => &[
                ("division_code", "区划代码"),
                ("title", "称号"),
                ("dated", "命名日期"),
                ("kind", "级别"),
            ],
        }
    }
}

/// An entry as given, before it is checked.
#[derive(Debug, Default, Clone)]
pub struct Given<'a> {
    pub division_code: &'a str,
    pub title: &'a str,
    pub dated: &'a str,
    pub number: Option<&'a str>,
    pub filed_on: Option<&'a str>,
    pub reviewed_on: Option<&'a str>,
    pub corrected_on: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub organisation: Option<&'a str>,
}

/// An entry's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub division_code: DivisionCode,
    pub title: String,
    pub dated: String,
    pub number: Option<String>,
    pub filed_on: Option<String>,
    pub reviewed_on: Option<String>,
    pub corrected_on: Option<String>,
    pub kind: Option<String>,
    pub organisation: Option<String>,
}

fn day(field: &str, text: Option<&str>, today: NaiveDate) -> Result<Option<NaiveDate>, Error> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .map_err(|_| {
            Error::invalid_field(
                field,
                Code::InvalidDate,
                format!("{field} must be a day such as 2026-03-01"),
            )
        })?;
    if date > today {
        return Err(Error::invalid_field(
            field,
            Code::DateInFuture,
            format!("{field} is after today"),
        ));
    }
    if chrono::Datelike::year(&date) < 1990 {
        return Err(Error::invalid_field(
            field,
            Code::DateOutOfRange,
            format!("{field} is before 1990"),
        ));
    }
    Ok(Some(date))
}

fn not_before(
    field: &str,
    date: Option<NaiveDate>,
    earlier: (&str, Option<NaiveDate>),
) -> Result<(), Error> {
    match (date, earlier.1) {
        (Some(_), None) => Err(Error::new(
            ErrorKind::RuleViolation,
            Code::StepOutOfOrder,
            format!("{field} needs {} first", earlier.0),
        )
        .with_field(field)),
        (Some(d), Some(e)) if d < e => Err(Error::invalid_field(
            field,
            Code::InvalidTimeRange,
            format!("{field} is before {}", earlier.0),
        )),
        _ => Ok(()),
    }
}

fn not_here(field: &str, value: Option<&str>, register: Register) -> Result<(), Error> {
    if value.is_some_and(|v| !v.trim().is_empty()) {
        return Err(Error::invalid_field(
            field,
            Code::UnknownField,
            format!("{field} is not kept in the {} register", register.path()),
        ));
    }
    Ok(())
}

/// Checks one entry of `register` for `caller` (its division within theirs).
pub fn check(
    register: Register,
    caller: &Caller,
    given: &Given<'_>,
    today: NaiveDate,
) -> Result<Checked, Error> {
    let division = DivisionCode::parse_field("division_code", given.division_code)?;
    caller.check_writes("division_code", &division)?;
    if matches!(
        register,
        Register::LegalAdvisers | Register::DemonstrationVillages
    ) && division.level() != DivisionLevel::Village
    {
        return Err(Error::invalid_field(
            "division_code",
            Code::InvalidDivisionCode,
            "division_code must be a village or community (12 digits)",
        ));
    }
    let title = text::required("title", given.title, 200, Lines::One)?;
    let dated = day("dated", Some(given.dated), today)?
        .ok_or_else(|| Error::invalid_field("dated", Code::Required, "dated must not be empty"))?;
    let mut checked = Checked {
        division_code: division,
        title,
        dated: dated.to_string(),
        number: None,
        filed_on: None,
        reviewed_on: None,
        corrected_on: None,
        kind: None,
        organisation: None,
    };
    if register == Register::NormativeDocuments {
        let filed = day("filed_on", given.filed_on, today)?;
        let reviewed = day("reviewed_on", given.reviewed_on, today)?;
        let corrected = day("corrected_on", given.corrected_on, today)?;
        not_before("filed_on", filed, ("dated", Some(dated)))?;
        not_before("reviewed_on", reviewed, ("filed_on", filed))?;
        not_before("corrected_on", corrected, ("reviewed_on", reviewed))?;
        checked.number = text::optional("number", given.number, 50, Lines::One)?;
        checked.filed_on = filed.map(|d| d.to_string());
        checked.reviewed_on = reviewed.map(|d| d.to_string());
        checked.corrected_on = corrected.map(|d| d.to_string());
    } else {
        not_here("number", given.number, register)?;
        not_here("filed_on", given.filed_on, register)?;
        not_here("reviewed_on", given.reviewed_on, register)?;
        not_here("corrected_on", given.corrected_on, register)?;
    }
    if register.kinds().is_empty() {
        not_here("kind", given.kind, register)?;
    } else {
        let text = given.kind.map(str::trim).unwrap_or_default();
        let kind = register
            .kinds()
            .iter()
            .find(|(code, name)| *code == text || *name == text)
            .ok_or_else(|| {
                let codes: Vec<_> = register.kinds().iter().map(|(c, _)| *c).collect();
                Error::invalid_field(
                    "kind",
                    Code::UnknownCode,
                    format!("kind must be one of {}", codes.join(", ")),
                )
            })?;
        checked.kind = Some(kind.0.to_owned());
    }
    if register == Register::LegalAdvisers {
        checked.organisation = Some(text::required(
            "organisation",
            given.organisation.unwrap_or_default(),
            100,
            Lines::One,
        )?);
    } else {
        not_here("organisation", given.organisation, register)?;
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi_platform::auth::Role;

    fn today() -> NaiveDate {
        "2026-11-29".parse().unwrap()
    }

    fn township() -> Caller {
        Caller {
            subject: "account:desk".into(),
            roles: vec![Role::Staff],
            scope: DivisionCode::parse("411624100").unwrap(),
            source: None,
        }
    }

    #[test]
    fn a_review_needs_the_filing_and_a_correction_the_review() {
        let given = Given {
            division_code: "411624100",
            title: "关于规范农村建房的通知",
            dated: "2025-03-01",
            reviewed_on: Some("2025-03-10"),
            ..Given::default()
        };
        let err = check(Register::NormativeDocuments, &township(), &given, today()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("reviewed_on"));
        let given = Given {
            filed_on: Some("2025-02-01"),
            ..given
        };
        let err = check(Register::NormativeDocuments, &township(), &given, today()).unwrap_err();
        assert_eq!(
            err.field.as_deref(),
            Some("filed_on"),
            "filed before issued"
        );
        let given = Given {
            filed_on: Some("2025-03-05"),
            corrected_on: Some("2025-04-01"),
            ..given
        };
        let ok = check(Register::NormativeDocuments, &township(), &given, today()).unwrap();
        assert_eq!(ok.corrected_on.as_deref(), Some("2025-04-01"));
    }

    #[test]
    fn an_entry_is_never_dated_after_today() {
        let given = Given {
            division_code: "411624100",
            title: "关于规范农村建房的通知",
            dated: "2026-11-30",
            ..Given::default()
        };
        let err = check(Register::NormativeDocuments, &township(), &given, today()).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.field.as_deref()),
            ("date_in_future", Some("dated"))
        );
        let on_the_day = Given {
            dated: "2026-11-29",
            ..given
        };
        assert!(
            check(
                Register::NormativeDocuments,
                &township(),
                &on_the_day,
                today()
            )
            .is_ok()
        );
    }

    #[test]
    fn fields_of_another_register_and_places_outside_the_township_are_refused() {
        let adviser = Given {
            division_code: "411624100201",
            title: "张律师",
            dated: "2025-01-01",
            organisation: Some("某律师事务所"),
            kind: Some("national"),
            ..Given::default()
        };
        let err = check(Register::LegalAdvisers, &township(), &adviser, today()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("kind"));
        let elsewhere = Given {
            division_code: "411624101201",
            kind: None,
            ..adviser.clone()
        };
        assert!(check(Register::LegalAdvisers, &township(), &elsewhere, today()).is_err());
        let at_township = Given {
            division_code: "411624100",
            kind: None,
            ..adviser
        };
        let err = check(Register::LegalAdvisers, &township(), &at_township, today()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("division_code"));
        let plan = Given {
            division_code: "411624100201",
            title: "西关村突发事件应急预案",
            dated: "2025-05-01",
            kind: Some("总体"),
            ..Given::default()
        };
        let ok = check(Register::EmergencyPlans, &township(), &plan, today()).unwrap();
        assert_eq!(ok.kind.as_deref(), Some("general"));
    }
}
