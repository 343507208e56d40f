//! What a certificate lets its holder act on (执法区域, 执法类别): the
//! divisions of its area and its enforcement categories. "Certified on D"
//! for an action asks whether the action's division lies in the area and its
//! category is among the categories.

use fazhi_platform::Code;
use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::{DivisionCode, Error};

use super::rule;

/// Divisions one certificate's area may name.
pub const MAX_AREAS: usize = 16;

/// A certificate's area and categories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competence {
    /// Divisions where the holder may act, each with every division under it.
    pub areas: Vec<DivisionCode>,
    pub categories: Vec<EnforcementCategory>,
}

/// An officer action asked about: where, and in which category (either may
/// be left open, asking only about the other).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Action {
    pub division: Option<DivisionCode>,
    pub category: Option<EnforcementCategory>,
}

/// Why a certificate in force does not cover an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    Area,
    Category,
}

impl Competence {
    /// The area and categories of a certificate issued to a person of
    /// `holder_division`: the area defaults to that division and must lie
    /// within it (a township issues for its own ground), the categories
    /// default to comprehensive enforcement (综合行政执法); no repeats.
    pub fn check(
        holder_division: &DivisionCode,
        areas: Vec<DivisionCode>,
        categories: Vec<EnforcementCategory>,
    ) -> Result<Self, Error> {
        let areas = if areas.is_empty() {
            vec![holder_division.clone()]
        } else {
            areas
        };
        let categories = if categories.is_empty() {
            vec![EnforcementCategory::Comprehensive]
        } else {
            categories
        };
        if areas.len() > MAX_AREAS {
            return Err(rule(
                Code::TooManyValues,
                "areas",
                format!("a certificate's area names at most {MAX_AREAS} divisions"),
            ));
        }
        if let Some(area) = areas.iter().find(|a| !holder_division.contains(a)) {
            return Err(rule(
                Code::AreaOutsideDivision,
                "areas",
                format!(
                    "division {area} lies outside the holder's division {holder_division}: a certificate's area lies within it"
                ),
            ));
        }
        if let Some(repeat) = first_repeat(&areas) {
            return Err(rule(
                Code::DuplicateValue,
                "areas",
                format!("division {repeat} is named twice"),
            ));
        }
        if let Some(repeat) = first_repeat(&categories) {
            return Err(rule(
                Code::DuplicateValue,
                "categories",
                format!("category {repeat} is named twice"),
            ));
        }
        Ok(Self { areas, categories })
    }

    /// Whether the action lies within this area and these categories.
    pub fn covers(&self, action: &Action) -> Result<(), Outside> {
        if let Some(division) = &action.division
            && !self.areas.iter().any(|area| area.contains(division))
        {
            return Err(Outside::Area);
        }
        if let Some(category) = action.category
            && !self.categories.contains(&category)
        {
            return Err(Outside::Category);
        }
        Ok(())
    }
}

fn first_repeat<T: PartialEq + std::fmt::Display>(values: &[T]) -> Option<&T> {
    values
        .iter()
        .enumerate()
        .find(|(i, v)| values[..*i].contains(v))
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{fixtures::*, *};

    fn division(code: &str) -> DivisionCode {
        DivisionCode::parse(code).unwrap()
    }

    #[test]
    fn an_unnamed_area_is_the_holders_division_and_categories_default_to_comprehensive() {
        let township = division("411624100");
        let c = Competence::check(&township, vec![], vec![]).unwrap();
        assert_eq!(c.areas, vec![township]);
        assert_eq!(c.categories, vec![EnforcementCategory::Comprehensive]);
    }

    #[test]
    fn an_area_outside_the_holders_division_or_named_twice_is_refused() {
        let township = division("411624100");
        let err = Competence::check(&township, vec![division("411624101")], vec![]).unwrap_err();
        assert_eq!(err.code, Code::AreaOutsideDivision);
        let county = division("411624");
        let err = Competence::check(&township, vec![county.clone()], vec![]).unwrap_err();
        assert_eq!(err.code, Code::AreaOutsideDivision);
        let err = Competence::check(&county, vec![township.clone(), township.clone()], vec![])
            .unwrap_err();
        assert_eq!(err.code, Code::DuplicateValue);
        let many: Vec<DivisionCode> = (0..=MAX_AREAS)
            .map(|i| division(&format!("411624{:03}", 100 + i)))
            .collect();
        let err = Competence::check(&county, many, vec![]).unwrap_err();
        assert_eq!(err.code, Code::TooManyValues);
        let twice = vec![
            EnforcementCategory::Comprehensive,
            EnforcementCategory::Comprehensive,
        ];
        let err = Competence::check(&township, vec![], twice).unwrap_err();
        assert_eq!(err.code, Code::DuplicateValue);
    }

    #[test]
    fn an_action_is_covered_only_within_the_area_and_the_categories() {
        let county = division("411624");
        let c = Competence::check(
            &county,
            vec![division("411624100"), division("411624101")],
            vec![EnforcementCategory::Comprehensive],
        )
        .unwrap();
        let at = |code: &str, category| Action {
            division: Some(division(code)),
            category,
        };
        assert_eq!(c.covers(&Action::default()), Ok(()));
        assert_eq!(c.covers(&at("411624101", None)), Ok(()));
        // A village of a township in the area is in the area.
        assert_eq!(c.covers(&at("411624100201", None)), Ok(()));
        assert_eq!(c.covers(&at("411624102", None)), Err(Outside::Area));
        assert_eq!(c.covers(&at("411624", None)), Err(Outside::Area));
        assert_eq!(
            c.covers(&at("411624100", Some(EnforcementCategory::Comprehensive))),
            Ok(())
        );
        assert_eq!(
            c.covers(&at("411624100", Some(EnforcementCategory::Transport))),
            Err(Outside::Category)
        );
    }

    #[test]
    fn certified_for_an_action_means_a_certificate_in_force_covering_its_ground_and_field() {
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        let history = vec![(day("2021-03-01"), CertificateStatus::Active)];
        let held = vec![(active.clone(), history)];
        let on = day("2023-01-01");
        let action = |division: &str, category| Action {
            division: Some(fazhi_platform::DivisionCode::parse(division).unwrap()),
            category: Some(category),
        };
        use fazhi_platform::category::EnforcementCategory as Category;
        assert_eq!(
            certified_on(&held, on, &action("411624100", Category::Comprehensive)),
            Ok(active.number.clone())
        );
        assert_eq!(
            certified_on(&held, on, &action("411624101", Category::Comprehensive)),
            Err(NotCertified::OutsideArea)
        );
        assert_eq!(
            certified_on(&held, on, &action("411624100", Category::Transport)),
            Err(NotCertified::OutsideCategory)
        );
        // Suspended on the day: the suspension is the reason, whatever the ground.
        let suspended = vec![(
            active,
            vec![
                (day("2021-03-01"), CertificateStatus::Active),
                (day("2022-12-01"), CertificateStatus::Suspended),
            ],
        )];
        assert_eq!(
            certified_on(
                &suspended,
                on,
                &action("411624101", Category::Comprehensive)
            ),
            Err(NotCertified::Suspended)
        );
    }
}
