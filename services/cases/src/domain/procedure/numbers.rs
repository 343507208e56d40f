//! The numbers a case carries: its 案号, given at filing, and its
//! decision's number (文书编号), given at deciding — each in sequence per
//! agency and year, in the format the county sets (行政处罚法 Art. 59: a
//! decision states who made it; 案卷 are numbered per agency and year).

use std::collections::BTreeMap;

use super::*;

/// Which sequence a number is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// 案号, at filing.
    Case,
    /// The decision's number, at deciding (the general procedure's; a
    /// decision on the spot carries its pre-printed form's number).
    Decision,
}

impl NumberKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::Decision => "decision",
        }
    }
}

/// The number `after` takes on this step, with the year it counts in: a
/// case being filed, or decided under the general procedure.
pub fn number_due(before: &Case, after: &Case) -> Option<(NumberKind, i32)> {
    use chrono::Datelike;
    let p = &after.proceedings;
    if before.filed_on.is_none() && p.case_number.is_empty() && p.on_the_spot.is_none() {
        return after.filed_on.map(|d| (NumberKind::Case, d.year()));
    }
    match (&before.proceedings.decision, &p.decision) {
        (None, Some(d)) if p.on_the_spot.is_none() && d.number.is_empty() => {
            Some((NumberKind::Decision, d.on.year()))
        }
        _ => None,
    }
}

/// `after` with the `seq`th number of its kind and year, in the county's
/// format.
pub fn give_number(after: &mut Case, kind: NumberKind, year: i32, seq: i64, rules: &CaseRules) {
    let agency = rules.agency(after.division.as_str());
    match kind {
        NumberKind::Case => {
            after.proceedings.case_number =
                format_number(&rules.case_number_format, &agency, year, seq);
        }
        NumberKind::Decision => {
            if let Some(d) = after.proceedings.decision.as_mut() {
                d.number = format_number(&rules.decision_number_format, &agency, year, seq);
            }
        }
    }
}

/// `{agency}`, `{year}` and `{seq}` (three digits at least) put in `format`.
pub fn format_number(format: &str, agency: &str, year: i32, seq: i64) -> String {
    format
        .replace("{agency}", agency)
        .replace("{year}", &year.to_string())
        .replace("{seq}", &format!("{seq:03}"))
}

impl CaseRules {
    /// The agency's short name in its numbers: the one set for the
    /// division or the nearest division above it, else the division code.
    pub fn agency(&self, division: &str) -> String {
        [12, 9, 6]
            .into_iter()
            .filter(|n| *n <= division.len())
            .find_map(|n| self.agencies.get(&division[..n]))
            .cloned()
            .unwrap_or_else(|| division.to_owned())
    }
}

/// The numbering settings' defaults: 老城镇罚立字〔2024〕第001号 and
/// 老城镇罚决字〔2024〕第001号 once the agency's name is set.
pub(super) fn default_formats() -> (String, String, BTreeMap<String, String>) {
    (
        "{agency}罚立字〔{year}〕第{seq}号".to_owned(),
        "{agency}罚决字〔{year}〕第{seq}号".to_owned(),
        BTreeMap::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn numbers_come_at_filing_and_deciding_per_agency_and_year() {
        let mut rules = rules();
        rules.agencies.insert("411624".into(), "沈丘县".into());
        rules.agencies.insert("411624100".into(), "老城镇".into());
        let lead = lead();
        let mut filed = filed();
        assert_eq!(number_due(&lead, &filed), Some((NumberKind::Case, 2024)));
        give_number(&mut filed, NumberKind::Case, 2024, 7, &rules);
        assert_eq!(filed.proceedings.case_number, "老城镇罚立字〔2024〕第007号");
        assert_eq!(number_due(&filed, &filed), None);
        let notified = notified(fine(500));
        let mut decided = decide(
            &notified,
            DecisionKind::Penalty,
            fine(500),
            day("2024-03-15"),
            day(TODAY),
            &rules,
        )
        .unwrap();
        assert_eq!(
            number_due(&notified, &decided),
            Some((NumberKind::Decision, 2024))
        );
        give_number(&mut decided, NumberKind::Decision, 2024, 1_234, &rules);
        assert_eq!(
            decided.proceedings.decision.unwrap().number,
            "老城镇罚决字〔2024〕第1234号"
        );
        // A village's case is numbered by the nearest agency above it; an
        // agency without a name set, by its code.
        assert_eq!(rules.agency("411624100201"), "老城镇");
        assert_eq!(rules.agency("411624200"), "沈丘县");
        assert_eq!(CaseRules::default().agency("411624200"), "411624200");
    }
}
