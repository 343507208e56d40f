//! The power list (权限清单): the enforcement items a township may exercise,
//! each assigned to it (赋权, 行政处罚法 Art. 24) or its own, in force between
//! two dates, and held by named divisions. A case cites an item its division
//! holds on the filing date.

use chrono::NaiveDate;
use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, DivisionCode, Error, coded_enum};

use super::rule;

coded_enum! {
    /// What an item lets the holder do.
    PowerKind {
        /// 行政处罚
        Penalty => "penalty",
        /// 行政强制措施
        CoerciveMeasure => "coercive_measure",
        /// 行政检查
        Inspection => "inspection",
    }
}

coded_enum! {
    /// Where the township's power over an item comes from.
    PowerSource {
        /// 赋权: assigned by the province or county (Art. 24).
        Assigned => "assigned",
        /// The township's own under a law (e.g. 城乡规划法 Art. 65).
        Own => "own",
    }
}

/// Divisions one item may name.
pub const MAX_HOLDERS: usize = 64;

/// One item of the power list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerItem {
    pub id: String,
    /// The list's own code for the item (e.g. 330217001000).
    pub code: String,
    pub name: String,
    /// The article it rests on (e.g. 《城乡规划法》第六十五条).
    pub legal_basis: String,
    pub kind: PowerKind,
    pub source: PowerSource,
    pub category: EnforcementCategory,
    pub effective_from: NaiveDate,
    /// The last day in force; none: in force until withdrawn.
    pub effective_to: Option<NaiveDate>,
    /// Divisions that hold it, each with those under it.
    pub holders: Vec<DivisionCode>,
    pub version: i64,
}

/// An item as given, before its checks.
#[derive(Debug, Clone, Default)]
pub struct NewPowerItem {
    pub code: String,
    pub name: String,
    pub legal_basis: String,
    pub kind: Option<PowerKind>,
    pub source: Option<PowerSource>,
    pub category: Option<EnforcementCategory>,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    pub holders: Vec<DivisionCode>,
}

/// Checks an item: a code of letters, digits and dashes; a name and legal
/// basis; kind, source and category; a start not after its end; one to
/// [`MAX_HOLDERS`] holders, none repeated.
pub fn new_power_item(new: NewPowerItem, id: String) -> Result<PowerItem, Error> {
    let code = text::required("code", &new.code, 40, Lines::One)?;
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(Error::invalid_field(
            "code",
            Code::InvalidCode,
            "code holds letters, digits, dots and dashes only",
        ));
    }
    let required =
        |field: &str| Error::invalid_field(field, Code::Required, format!("{field} is required"));
    let effective_from = new
        .effective_from
        .ok_or_else(|| required("effective_from"))?;
    if new.effective_to.is_some_and(|to| to < effective_from) {
        return Err(Error::invalid_field(
            "effective_to",
            Code::InvalidTimeRange,
            "effective_to lies before effective_from",
        ));
    }
    if new.holders.is_empty() {
        return Err(required("holders"));
    }
    if new.holders.len() > MAX_HOLDERS {
        return Err(Error::invalid_field(
            "holders",
            Code::TooManyValues,
            format!("an item names at most {MAX_HOLDERS} holding divisions"),
        ));
    }
    if let Some((i, repeat)) = new
        .holders
        .iter()
        .enumerate()
        .find(|(i, d)| new.holders[..*i].contains(d))
    {
        let _ = i;
        return Err(Error::invalid_field(
            "holders",
            Code::DuplicateValue,
            format!("division {repeat} is named twice"),
        ));
    }
    Ok(PowerItem {
        id,
        code,
        name: text::required("name", &new.name, 200, Lines::One)?,
        legal_basis: text::required("legal_basis", &new.legal_basis, 500, Lines::Many)?,
        kind: new.kind.ok_or_else(|| required("kind"))?,
        source: new.source.ok_or_else(|| required("source"))?,
        category: new.category.ok_or_else(|| required("category"))?,
        effective_from,
        effective_to: new.effective_to,
        holders: new.holders,
        version: 1,
    })
}

impl PowerItem {
    /// Whether `division` holds this item on `on`: in force that day, and
    /// the division one of the holders or under one.
    pub fn held_by(&self, division: &DivisionCode, on: NaiveDate) -> bool {
        on >= self.effective_from
            && self.effective_to.is_none_or(|to| on <= to)
            && self.holders.iter().any(|h| h.contains(division))
    }
}

/// A case cites an item its division holds on the filing date (the power
/// list; 行政处罚法 Art. 24 for assigned powers).
pub fn check_held(item: &PowerItem, division: &DivisionCode, on: NaiveDate) -> Result<(), Error> {
    if item.held_by(division, on) {
        return Ok(());
    }
    Err(rule(
        Code::PowerNotHeld,
        "power_item_code",
        format!(
            "division {division} does not hold power item {} on {on} (行政处罚法 Art. 24: a township acts only on the powers assigned to it)",
            item.code
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn an_item_is_held_by_its_divisions_and_those_under_them_while_in_force() {
        let item = power_item();
        let township = division("411624100");
        assert!(item.held_by(&township, day("2023-01-01")));
        assert!(item.held_by(&division("411624100201"), day("2023-01-01")));
        assert!(!item.held_by(&division("411624101"), day("2023-01-01")));
        assert!(!item.held_by(&township, day("2021-12-31")));
        let ended = PowerItem {
            effective_to: Some(day("2023-06-30")),
            ..item
        };
        assert!(ended.held_by(&township, day("2023-06-30")));
        let err = check_held(&ended, &township, day("2023-07-01")).unwrap_err();
        assert_eq!(err.code, Code::PowerNotHeld);
    }

    #[test]
    fn an_item_needs_its_fields_a_sane_range_and_distinct_holders() {
        let good = || NewPowerItem {
            code: "330217001000".into(),
            name: "对未取得乡村建设规划许可证进行建设的行政处罚".into(),
            legal_basis: "《中华人民共和国城乡规划法》第六十五条".into(),
            kind: Some(PowerKind::Penalty),
            source: Some(PowerSource::Own),
            category: Some(EnforcementCategory::Comprehensive),
            effective_from: Some(day("2022-01-01")),
            effective_to: None,
            holders: vec![division("411624100")],
        };
        assert!(new_power_item(good(), "i1".into()).is_ok());
        let refused = |new: NewPowerItem| new_power_item(new, "i1".into()).unwrap_err();
        let err = refused(NewPowerItem {
            code: "33 02".into(),
            ..good()
        });
        assert_eq!(
            (err.code, err.field.as_deref()),
            (Code::InvalidCode, Some("code"))
        );
        let err = refused(NewPowerItem {
            effective_to: Some(day("2021-12-31")),
            ..good()
        });
        assert_eq!(err.code, Code::InvalidTimeRange);
        let err = refused(NewPowerItem {
            holders: vec![],
            ..good()
        });
        assert_eq!(
            (err.code, err.field.as_deref()),
            (Code::Required, Some("holders"))
        );
        let err = refused(NewPowerItem {
            holders: vec![division("411624100"), division("411624100")],
            ..good()
        });
        assert_eq!(err.code, Code::DuplicateValue);
        let err = refused(NewPowerItem {
            kind: None,
            ..good()
        });
        assert_eq!(err.field.as_deref(), Some("kind"));
    }
}
