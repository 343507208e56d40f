//! The orders a decision gives beside the penalty: 责令改正 (行政处罚法 Art.
//! 28) and the township's commonest illegal-building decision, 责令限期拆除
//! (城乡规划法 Arts. 64–65), whose day the forced demolition waits for.

use chrono::NaiveDate;
use fazhi_platform::{Code, Error, coded_enum};
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::{Case, rule};

coded_enum! {
    /// What a decision orders beside the penalty.
    OrderKind {
        /// 责令改正 or 限期改正.
        Correct => "correct",
        /// 责令限期拆除.
        Demolish => "demolish",
    }
}

/// An order and the day it is to be carried out by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// An [`OrderKind`] code.
    pub kind: String,
    pub by: Option<NaiveDate>,
}

/// The decided case with `orders` beside its decision: each kind once, a
/// demolition by a day after the decision, none beside a decision that
/// found no violation or sent it elsewhere.
pub fn give_orders(case: &Case, orders: &[(OrderKind, Option<NaiveDate>)]) -> Result<Case, Error> {
    let Some(decision) = case.proceedings.decision.as_ref() else {
        return Err(Error::internal("orders without a decision"));
    };
    if orders.is_empty() {
        return Ok(case.clone());
    }
    let kind = DecisionKind::from_code(&decision.kind);
    if matches!(
        kind,
        Some(DecisionKind::Dismissed | DecisionKind::Transferred)
    ) {
        return Err(rule(
            Code::InvalidArgument,
            "orders",
            "a decision that finds no violation, or sends the case elsewhere, orders nothing",
        ));
    }
    let mut given: Vec<Order> = Vec::with_capacity(orders.len());
    for (kind, by) in orders {
        if given.iter().any(|o| o.kind == kind.code()) {
            return Err(Error::invalid_field(
                "orders",
                Code::DuplicateValue,
                format!("the {} order is given once", kind.code()),
            ));
        }
        match (kind, by) {
            (OrderKind::Demolish, None) => {
                return Err(Error::invalid_field(
                    "orders.by",
                    Code::Required,
                    "责令限期拆除 names the day the party removes it by",
                ));
            }
            (_, Some(by)) if *by <= decision.on => {
                return Err(rule(
                    Code::InvalidTimeRange,
                    "orders.by",
                    "an order's day comes after the decision",
                ));
            }
            _ => {}
        }
        given.push(Order {
            kind: kind.code().to_owned(),
            by: *by,
        });
    }
    let mut after = case.clone();
    if let Some(d) = after.proceedings.decision.as_mut() {
        d.orders = given;
    }
    Ok(after)
}

/// The day a decision's demolition order gives the party, if it has one.
pub fn demolish_by(case: &Case) -> Option<NaiveDate> {
    case.proceedings
        .decision
        .as_ref()?
        .orders
        .iter()
        .find(|o| o.kind == OrderKind::Demolish.code())
        .and_then(|o| o.by)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn a_demolition_order_names_its_day_and_each_order_is_given_once() {
        let decided = decided_fine(500);
        let by = Some(day("2024-04-15"));
        let ordered = give_orders(
            &decided,
            &[(OrderKind::Demolish, by), (OrderKind::Correct, None)],
        )
        .unwrap();
        assert_eq!(demolish_by(&ordered), by);
        // The forced demolition is announced only after the order's own day.
        let early = crate::domain::announce_demolition(&ordered, 10, day("2024-04-15"), day(TODAY));
        assert_eq!(early.unwrap_err().code, Code::RemovalPeriodRunning);
        assert!(
            crate::domain::announce_demolition(&ordered, 10, day("2024-04-16"), day(TODAY)).is_ok()
        );
        let refused = |orders: &[(OrderKind, Option<NaiveDate>)]| {
            give_orders(&decided, orders).unwrap_err().code
        };
        assert_eq!(refused(&[(OrderKind::Demolish, None)]), Code::Required);
        assert_eq!(
            refused(&[(OrderKind::Demolish, Some(day("2024-03-15")))]),
            Code::InvalidTimeRange
        );
        assert_eq!(
            refused(&[(OrderKind::Correct, None), (OrderKind::Correct, by)]),
            Code::DuplicateValue
        );
        let dismissed = decide(
            &filed(),
            DecisionKind::Dismissed,
            fine(0),
            day("2024-03-08"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert_eq!(
            give_orders(&dismissed, &[(OrderKind::Correct, None)])
                .unwrap_err()
                .code,
            Code::InvalidArgument
        );
    }
}
