//! The routing list (派单目录): which handling unit takes a category of
//! request, in a village or anywhere in the division. Each edit is a new
//! version of the whole list; a dispatch records the version that chose
//! its unit.

use fazhi_platform::{Code, DivisionCode, Error, ErrorKind};
use serde::{Deserialize, Serialize};

use super::category_by_code;

/// Entries one list may hold.
pub const MAX_ROUTES: usize = 1_000;

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// A category code of the taxonomy.
    pub category: String,
    /// Only requests about this village (or community); none: anywhere.
    pub village: Option<DivisionCode>,
    /// The unit the request goes to.
    pub unit: DivisionCode,
}

/// A version of a division's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingList {
    pub division: DivisionCode,
    pub version: i64,
    pub routes: Vec<Route>,
}

/// Checks a list for `division`: known categories, villages and units
/// within the division, no category and village twice.
pub fn check_routes(division: &DivisionCode, routes: &[Route]) -> Result<(), Error> {
    if routes.len() > MAX_ROUTES {
        return Err(Error::invalid_field(
            "routes",
            Code::TooManyValues,
            format!("a routing list holds at most {MAX_ROUTES} lines"),
        ));
    }
    for (i, route) in routes.iter().enumerate() {
        let field = |name: &str| format!("routes[{i}].{name}");
        if category_by_code(&route.category).is_none() {
            return Err(Error::invalid_field(
                field("category"),
                Code::UnknownCategory,
                format!("category {:?} is not in the taxonomy", route.category),
            ));
        }
        for (name, code) in [
            ("village", route.village.as_ref()),
            ("unit", Some(&route.unit)),
        ] {
            if let Some(code) = code.filter(|c| !division.contains(c)) {
                return Err(Error::invalid_field(
                    field(name),
                    Code::DivisionOutOfScope,
                    format!("{code} is not within {division}"),
                ));
            }
        }
        if routes[..i]
            .iter()
            .any(|r| r.category == route.category && r.village == route.village)
        {
            return Err(Error::invalid_field(
                field("category"),
                Code::DuplicateValue,
                "this category and village are routed twice",
            ));
        }
    }
    Ok(())
}

/// The unit the list sends a `category` request about `place` to: the line
/// for its village first, else the line for anywhere.
pub fn route<'a>(list: &'a RoutingList, category: &str, place: &DivisionCode) -> Option<&'a Route> {
    let lines = list.routes.iter().filter(|r| r.category == category);
    lines
        .clone()
        .find(|r| r.village.as_ref().is_some_and(|v| v.contains(place)))
        .or_else(|| lines.clone().find(|r| r.village.is_none()))
}

/// The error for a request the lists do not route.
pub fn no_route(category: &str) -> Error {
    Error::new(
        ErrorKind::RuleViolation,
        Code::NoRoute,
        format!("the routing list has no line for category {category}; dispatch it by hand"),
    )
    .with_field("unit")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> DivisionCode {
        DivisionCode::parse(text).unwrap()
    }

    fn list() -> RoutingList {
        RoutingList {
            division: code("411624100"),
            version: 3,
            routes: vec![
                Route {
                    category: "illegal_construction".into(),
                    village: None,
                    unit: code("411624100"),
                },
                Route {
                    category: "illegal_construction".into(),
                    village: Some(code("411624100201")),
                    unit: code("411624100201"),
                },
            ],
        }
    }

    #[test]
    fn a_village_line_goes_before_the_line_for_anywhere() {
        let l = list();
        assert_eq!(
            route(&l, "illegal_construction", &code("411624100201"))
                .unwrap()
                .unit,
            code("411624100201")
        );
        assert_eq!(
            route(&l, "illegal_construction", &code("411624100202"))
                .unwrap()
                .unit,
            code("411624100")
        );
        assert!(route(&l, "wages", &code("411624100201")).is_none());
    }

    #[test]
    fn a_list_keeps_to_its_division_and_its_taxonomy() {
        let township = code("411624100");
        assert!(check_routes(&township, &list().routes).is_ok());
        let mut outside = list().routes;
        outside[0].unit = code("411624101");
        assert_eq!(
            check_routes(&township, &outside)
                .unwrap_err()
                .field
                .as_deref(),
            Some("routes[0].unit")
        );
        let mut unknown = list().routes;
        unknown[1].category = "weather".into();
        assert_eq!(
            check_routes(&township, &unknown).unwrap_err().code,
            Code::UnknownCategory
        );
        let mut twice = list().routes;
        twice[1].village = None;
        assert_eq!(
            check_routes(&township, &twice).unwrap_err().code,
            Code::DuplicateValue
        );
    }
}
