//! Who may see and act on a complaint: the one rule, which the store's list
//! filter applies in SQL too (a store test proves the two agree).
//!
//! A complaint is its division's and, once dispatched, its handling unit's.
//! A report about enforcement conduct is never readable by the unit or the
//! officer it names, nor by anyone within that unit (信访工作条例 第三十一条:
//! reports must not be passed to the accused); the county and the
//! administrator always read it, unless one of them is the officer named.

use fazhi_platform::{
    DivisionCode,
    auth::{Caller, Role},
    division::DivisionLevel,
};

use super::{Complaint, Handling};

/// The form a named officer is kept and compared in: compatibility
/// normalised (NFKC, so full-width `ａ` is `a`) and lower-cased, so
/// `A.Officer` and `ａ.officer` both name the account `a.officer`.
pub fn officer_key(name: &str) -> String {
    fazhi_platform::text::name_key(name)
}

/// The name a caller's subject carries, as an officer named in a report
/// would be written: `account:li` is `li`.
fn caller_name(caller: &Caller) -> &str {
    let subject = caller.subject.as_str();
    ["account:", "oidc:", "api_key:"]
        .iter()
        .find_map(|prefix| subject.strip_prefix(prefix))
        .unwrap_or(subject)
}

/// Whether the unit check does not apply to the caller: the county's own
/// accounts and administrators read every report in their scope.
fn above_every_unit(caller: &Caller) -> bool {
    caller.scope.level() == DivisionLevel::County || caller.roles.contains(&Role::Admin)
}

/// Whether the caller is the unit or officer a report names, or within
/// that unit.
pub fn named(caller: &Caller, h: &Handling) -> bool {
    names(
        caller,
        h.concerns_unit.as_ref(),
        h.concerns_officer.as_deref(),
    )
}

fn names(caller: &Caller, unit: Option<&DivisionCode>, officer: Option<&str>) -> bool {
    let in_unit =
        !above_every_unit(caller) && unit.is_some_and(|unit| unit.contains(&caller.scope));
    let officer = officer.is_some_and(|o| officer_key(o) == officer_key(caller_name(caller)));
    in_unit || officer
}

/// What [`visible`] reads of a complaint: enough to decide without the
/// whole record (the feed reads no more than this).
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    pub division: &'a DivisionCode,
    /// The unit it is dispatched to.
    pub unit: Option<&'a DivisionCode>,
    pub concerns_unit: Option<&'a DivisionCode>,
    pub concerns_officer: Option<&'a str>,
    /// The platform that pushed it.
    pub source: Option<&'a str>,
}

impl<'a> Seen<'a> {
    pub fn of(c: &'a Complaint) -> Self {
        Self {
            division: &c.division_code,
            unit: c.handling.unit.as_ref(),
            concerns_unit: c.handling.concerns_unit.as_ref(),
            concerns_officer: c.handling.concerns_officer.as_deref(),
            source: c.ticket.as_ref().map(|t| t.source.as_str()),
        }
    }
}

/// Whether the caller may see the complaint: its division is theirs, or it
/// was dispatched to a unit of theirs — and it does not name them. A
/// system bound to a platform sees that platform's tickets only (and an
/// integration bound to none sees nothing).
pub fn visible(caller: &Caller, c: &Complaint) -> bool {
    visible_as(caller, &Seen::of(c))
}

/// [`visible`], from what it reads of the complaint.
pub fn visible_as(caller: &Caller, s: &Seen<'_>) -> bool {
    !names(caller, s.concerns_unit, s.concerns_officer)
        && of_its_source(caller, s.source)
        && (caller.sees(s.division) || s.unit.is_some_and(|u| caller.sees(u)))
}

/// Whether the complaint is a ticket of the platform the caller is bound
/// to, when it is bound to one.
fn of_its_source(caller: &Caller, source: Option<&str>) -> bool {
    match &caller.source {
        Some(own) => source == Some(own.as_str()),
        None => !caller.roles.iter().all(|r| *r == Role::Integration),
    }
}

/// The desk (受理台) that owns a complaint's workflow: its township, or the
/// county for a complaint of the county itself. A village's complaint is
/// its township's: a village handles what it is sent, never closes it.
pub fn desk(division: &DivisionCode) -> DivisionCode {
    match division.level() {
        DivisionLevel::Village => division.parent().unwrap_or_else(|| division.clone()),
        _ => division.clone(),
    }
}

/// Whether the caller sits at the complaint's desk: dispatching, following
/// up, closing, reopening, merging, handing off and escalating are the
/// desk's (and the county's), never the handling unit's alone.
pub fn at_desk(caller: &Caller, c: &Complaint) -> bool {
    caller.sees(&desk(&c.division_code))
}

/// What the store's list filter needs of a caller to apply [`visible`]'s
/// naming rule in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The caller's division.
    pub scope: String,
    /// The caller's name as [`officer_key`] keeps it.
    pub officer_key: String,
    /// The unit check does not apply (the county, an administrator).
    pub above_every_unit: bool,
    /// The platform whose tickets alone the caller sees ("": any).
    pub source: String,
    /// An integration bound to no platform: it sees nothing.
    pub sees_none: bool,
}

impl Viewer {
    pub fn of(caller: &Caller) -> Self {
        Self {
            scope: caller.scope.as_str().to_owned(),
            officer_key: officer_key(caller_name(caller)),
            above_every_unit: above_every_unit(caller),
            source: caller.source.clone().unwrap_or_default(),
            sees_none: caller.source.is_none()
                && caller.roles.iter().all(|r| *r == Role::Integration),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(subject: &str, roles: &[Role], scope: &str) -> Caller {
        Caller {
            subject: subject.into(),
            roles: roles.to_vec(),
            scope: DivisionCode::parse(scope).unwrap(),
            source: None,
        }
    }

    fn naming(unit: Option<&str>, officer: Option<&str>) -> Handling {
        Handling {
            concerns_unit: unit.map(|u| DivisionCode::parse(u).unwrap()),
            concerns_officer: officer.map(officer_key),
            ..Handling::default()
        }
    }

    #[test]
    fn an_officer_is_named_whatever_the_case_or_width_of_his_name() {
        let h = naming(None, Some("a.officer"));
        for written in ["A.Officer", "ａ.officer", " a.officer "] {
            assert_eq!(officer_key(written), "a.officer", "{written}");
        }
        let li = caller("account:a.officer", &[Role::Officer], "411624100");
        assert!(named(&li, &h));
        let h = naming(None, Some("Ａ.OFFICER"));
        assert!(named(&li, &h));
        let other = caller("account:b.officer", &[Role::Officer], "411624100");
        assert!(!named(&other, &h));
    }

    #[test]
    fn everyone_within_the_named_unit_is_named_and_those_above_are_not() {
        let h = naming(Some("411624100"), None);
        assert!(named(&caller("account:x", &[Role::Staff], "411624100"), &h));
        assert!(named(
            &caller("account:x", &[Role::Leader], "411624100201"),
            &h
        ));
        assert!(!named(
            &caller("account:x", &[Role::Staff], "411624101"),
            &h
        ));
        assert!(!named(&caller("account:x", &[Role::Staff], "411624"), &h));
    }

    #[test]
    fn a_report_naming_the_county_is_still_read_by_the_county_and_the_administrator() {
        let h = naming(Some("411624"), None);
        assert!(!named(
            &caller("account:c", &[Role::CountyOverseer], "411624"),
            &h
        ));
        assert!(!named(
            &caller("account:admin", &[Role::Admin], "411624"),
            &h
        ));
        assert!(named(&caller("account:t", &[Role::Staff], "411624100"), &h));
        // The officer named never reads it, at the county or not.
        let h = naming(Some("411624"), Some("admin"));
        assert!(named(
            &caller("account:admin", &[Role::Admin], "411624"),
            &h
        ));
    }

    #[test]
    fn a_village_complaint_has_its_township_as_desk() {
        let village = DivisionCode::parse("411624100201").unwrap();
        assert_eq!(desk(&village).as_str(), "411624100");
        let county = DivisionCode::parse("411624").unwrap();
        assert_eq!(desk(&county).as_str(), "411624");
    }
}
