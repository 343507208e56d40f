//! Filing (立案): the power item the division holds, the officers the
//! training service certifies (行政处罚法 Art. 42), and the limitation
//! period (Art. 36).

use chrono::{Months, NaiveDate};
use fazhi_platform::{Code, Error};

use super::case::{check_step_day, out_of_order};
use super::{Case, CaseStatus, MAX_OFFICERS, PowerItem, Proceedings, check_held, rule};

/// 行政处罚法 Art. 36: no penalty when the act was not discovered within two
/// years (five where life, health or financial safety was harmed), counted
/// from the act, or from its end for a continuing act — one still going on
/// is always within.
pub fn check_limitation(case: &Case) -> Result<(), Error> {
    let from = if case.continuing {
        match case.act_ended_on {
            None => return Ok(()),
            Some(ended) => ended,
        }
    } else {
        case.act_on
    };
    let years = if case.serious_harm { 5 } else { 2 };
    let last = from
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX);
    if case.discovered_on <= last {
        return Ok(());
    }
    Err(rule(
        Code::LimitationPassed,
        "act_on",
        format!(
            "the act of {from} was discovered on {}, more than {years} years later: no penalty may be given (行政处罚法 Art. 36)",
            case.discovered_on
        ),
    ))
}

/// What the training service answered for one officer on the filing day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Certification {
    Certified,
    /// Not certified, and why (its reason code).
    NotCertified(String),
}

/// Whether a lead can be filed on `on` citing `item`, before anyone is asked
/// about the officers: a lead, a day between its discovery and today, an
/// item its division holds that day, an identified party, and within the
/// limitation period.
pub fn check_fileable(
    case: &Case,
    item: &PowerItem,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    if case.status != CaseStatus::Lead {
        return Err(out_of_order(case, "filed", "a lead"));
    }
    check_step_day("on", on, case.discovered_on, today)?;
    check_held(item, &case.division, on)?;
    if case.party.id_number.is_empty() {
        return Err(rule(
            Code::Required,
            "party_id_number",
            "a case is filed against an identified party: give its ID number or credit code",
        ));
    }
    check_limitation(case)
}

/// 立案: a lead becomes a case on `on` citing `item` ([`check_fileable`]),
/// with at least two distinct officers, each certified that day for the
/// case's division and the item's category (Art. 42); `major` marks it
/// complex or serious (collective discussion and legal review required).
pub fn file(
    case: &Case,
    item: &PowerItem,
    officers: &[(String, Certification)],
    major: bool,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    check_fileable(case, item, on, today)?;
    for (officer, _) in officers {
        super::check_not_recused(case, officer, "officer_ids")?;
    }
    check_officers(officers)?;
    Ok(Case {
        power_item_code: Some(item.code.clone()),
        category: Some(item.category),
        officers: officers.iter().map(|(id, _)| id.clone()).collect(),
        filed_on: Some(on),
        proceedings: Proceedings {
            major,
            ..Proceedings::default()
        },
        status: CaseStatus::Filed,
        version: case.version + 1,
        ..case.clone()
    })
}

/// At least two officers, none twice, at most [`MAX_OFFICERS`], each
/// certified (Art. 42: 执法人员不得少于两人, 持证).
pub fn check_officers(officers: &[(String, Certification)]) -> Result<(), Error> {
    if officers.len() > MAX_OFFICERS {
        return Err(Error::invalid_field(
            "officers",
            Code::TooManyValues,
            format!("at most {MAX_OFFICERS} officers are assigned to a case"),
        ));
    }
    if let Some((repeat, _)) = officers
        .iter()
        .enumerate()
        .find(|(i, (id, _))| officers[..*i].iter().any(|(other, _)| other == id))
        .map(|(_, o)| o)
    {
        return Err(Error::invalid_field(
            "officers",
            Code::DuplicateValue,
            format!("officer {repeat} is named twice"),
        ));
    }
    if officers.len() < 2 {
        return Err(rule(
            Code::TooFewOfficers,
            "officers",
            "enforcement needs at least two officers (行政处罚法 Art. 42)",
        ));
    }
    check_certified(officers)
}

/// Refuses the first officer not certified that day (Art. 42).
pub fn check_certified(officers: &[(String, Certification)]) -> Result<(), Error> {
    if let Some((officer, Certification::NotCertified(why))) = officers
        .iter()
        .find(|(_, c)| matches!(c, Certification::NotCertified(_)))
    {
        return Err(rule(
            Code::OfficerNotCertified,
            "officers",
            format!(
                "officer {officer} is not certified for this case's division and category on that day ({why}); enforcement officers hold a certificate (行政处罚法 Art. 42)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    fn certified(ids: &[&str]) -> Vec<(String, Certification)> {
        ids.iter()
            .map(|id| ((*id).to_owned(), Certification::Certified))
            .collect()
    }

    #[test]
    fn an_act_not_discovered_within_two_years_is_past_the_limitation_period() {
        let case = Case {
            act_on: day("2022-03-01"),
            discovered_on: day("2024-03-01"),
            ..lead()
        };
        assert!(check_limitation(&case).is_ok());
        let late = Case {
            discovered_on: day("2024-03-02"),
            ..case.clone()
        };
        assert_eq!(
            check_limitation(&late).unwrap_err().code,
            Code::LimitationPassed
        );
        // Five years where life, health or financial safety was harmed.
        let serious = Case {
            serious_harm: true,
            ..late.clone()
        };
        assert!(check_limitation(&serious).is_ok());
    }

    #[test]
    fn a_continuing_act_counts_from_its_end_and_is_always_within_while_it_goes_on() {
        let standing = Case {
            act_on: day("2015-05-01"),
            continuing: true,
            act_ended_on: None,
            discovered_on: day("2024-03-01"),
            ..lead()
        };
        assert!(check_limitation(&standing).is_ok());
        let demolished = Case {
            act_ended_on: Some(day("2021-06-01")),
            ..standing.clone()
        };
        assert_eq!(
            check_limitation(&demolished).unwrap_err().code,
            Code::LimitationPassed
        );
        let recently = Case {
            act_ended_on: Some(day("2023-06-01")),
            ..standing
        };
        assert!(check_limitation(&recently).is_ok());
    }

    #[test]
    fn filing_needs_two_distinct_certified_officers() {
        let (case, item, on, today) = (lead(), power_item(), day("2024-03-05"), day("2026-11-29"));
        let filed = file(&case, &item, &certified(&["o1", "o2"]), false, on, today).unwrap();
        assert_eq!(filed.status, CaseStatus::Filed);
        assert_eq!(filed.category, Some(item.category));
        assert_eq!(filed.power_item_code.as_deref(), Some(item.code.as_str()));
        let err = file(&case, &item, &certified(&["o1"]), false, on, today).unwrap_err();
        assert_eq!(err.code, Code::TooFewOfficers);
        let err = file(&case, &item, &certified(&["o1", "o1"]), false, on, today).unwrap_err();
        assert_eq!(err.code, Code::DuplicateValue);
        let mut one_suspended = certified(&["o1", "o2"]);
        one_suspended[1].1 = Certification::NotCertified("suspended".into());
        let err = file(&case, &item, &one_suspended, false, on, today).unwrap_err();
        assert_eq!(err.code, Code::OfficerNotCertified);
        assert!(
            err.message.contains("o2") && err.message.contains("suspended"),
            "{}",
            err.message
        );
    }

    #[test]
    fn filing_cites_an_item_the_division_holds_that_day() {
        let (case, today) = (lead(), day("2026-11-29"));
        let elsewhere = PowerItem {
            holders: vec![division("411624101")],
            ..power_item()
        };
        let err = file(
            &case,
            &elsewhere,
            &certified(&["o1", "o2"]),
            false,
            day("2024-03-05"),
            today,
        )
        .unwrap_err();
        assert_eq!(err.code, Code::PowerNotHeld);
    }
}
