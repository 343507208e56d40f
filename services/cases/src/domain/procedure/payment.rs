//! Paying a fine (行政处罚法 Arts. 66–73): in whole or in part, in approved
//! instalments each with its own due day, and the late charge — 3 % a day of
//! what is left unpaid after its due day, never more than the fine (Art.
//! 72), its days while 复议 or a suit runs not counted (Art. 73), imposed
//! in whole or less as the agency chooses or an 执行协议 agreed (行政强制法
//! Art. 42).

use chrono::{Days, NaiveDate};
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error};
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::{Case, CaseStatus, rule};

/// The most instalments a fine is split into.
pub const MAX_INSTALMENTS: usize = 36;

/// A fine split into instalments on the party's application and the
/// agency's approval (分期缴纳, Art. 66).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalments {
    pub on: NaiveDate,
    /// Who approved it (the agency's leader).
    pub approved_by: String,
    /// The party's hardship the approval rests on.
    pub basis: String,
    /// The fine's due day before, and what was paid of it by then.
    pub first_due: NaiveDate,
    pub paid_before_fen: i64,
    pub schedule: Vec<Instalment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub due: NaiveDate,
    pub amount_fen: i64,
}

impl Proceedings {
    /// Every payment, in part and the one that settled the fine, in order.
    pub fn payments(&self) -> impl Iterator<Item = &Payment> {
        self.part_payments.iter().chain(self.payment.as_ref())
    }

    /// What was paid of the fine itself, late charges aside.
    pub fn fine_paid_fen(&self) -> i64 {
        self.payments().map(|p| p.fine_fen).sum()
    }

    /// The late charges paid.
    pub fn late_charges_paid_fen(&self) -> i64 {
        self.payments().map(|p| p.late_charge_fen).sum()
    }

    /// The fine's due days and amounts: one due day for the whole fine, or
    /// what was paid before the instalments and each instalment.
    pub fn schedule(&self, fine_fen: i64) -> Vec<(NaiveDate, i64)> {
        match (
            &self.instalments,
            self.service.as_ref().and_then(|s| s.fine_due),
        ) {
            (Some(plan), _) => std::iter::once((plan.first_due, plan.paid_before_fen))
                .filter(|(_, amount)| *amount > 0)
                .chain(plan.schedule.iter().map(|i| (i.due, i.amount_fen)))
                .collect(),
            (None, Some(due)) => vec![(due, fine_fen)],
            (None, None) => Vec::new(),
        }
    }

    /// The due day of the first instalment not yet paid in full: the day a
    /// fine left unpaid is watched and demanded after.
    pub fn next_due(&self, fine_fen: i64) -> Option<NaiveDate> {
        let mut paid = self.fine_paid_fen();
        for (due, amount) in self.schedule(fine_fen) {
            if paid < amount {
                return Some(due);
            }
            paid -= amount;
        }
        None
    }

    /// Whether an appeal has not ended.
    pub fn appeal_pending(&self) -> bool {
        self.appeals.iter().any(|a| a.concluded_on.is_none())
    }
}

/// The late charge accrued by `on` over `schedule`, the principal `paid`
/// taken against the earliest instalment first: 3 % a day of each part
/// from the day after its due day to the day it was paid (or `on`), days
/// `excluded` not counted, never more than `cap`.
fn accrued(
    schedule: &[(NaiveDate, i64)],
    paid: &[(NaiveDate, i64)],
    excluded: impl Fn(NaiveDate) -> bool,
    on: NaiveDate,
    cap: i64,
) -> i64 {
    let days_late = |due: NaiveDate, until: NaiveDate| -> i128 {
        let mut n = 0;
        let mut d = due;
        while d < until {
            d = d + Days::new(1);
            if !excluded(d) {
                n += 1;
            }
        }
        n
    };
    let mut payments = paid.iter().filter(|(d, _)| *d <= on).copied();
    let mut current = payments.next();
    let mut fen_days: i128 = 0;
    for &(due, amount) in schedule {
        let mut left = amount;
        while left > 0 {
            match current.as_mut() {
                Some((paid_on, available)) => {
                    let part = left.min(*available);
                    fen_days += i128::from(part) * days_late(due, *paid_on);
                    left -= part;
                    *available -= part;
                    if *available == 0 {
                        current = payments.next();
                    }
                }
                None => {
                    fen_days += i128::from(left) * days_late(due, on);
                    left = 0;
                }
            }
        }
    }
    i64::try_from((fen_days * 3 / 100).min(i128::from(cap))).unwrap_or(cap)
}

/// The late charge accrued on the case by `on` and not yet accounted for by
/// an earlier payment (charged or let go).
pub fn late_charge_due(case: &Case, on: NaiveDate) -> i64 {
    let p = &case.proceedings;
    let fine = p.decision.as_ref().map_or(0, |d| d.penalty.fine_fen);
    let paid: Vec<(NaiveDate, i64)> = p.payments().map(|x| (x.on, x.fine_fen)).collect();
    let total = accrued(
        &p.schedule(fine),
        &paid,
        |d| p.appeals.iter().any(|a| a.covers(d)),
        on,
        fine,
    );
    let accounted: i64 = p.payments().map(|x| x.late_charge_accrued_fen).sum();
    (total - accounted).max(0)
}

/// A payment on `on` of `paid_fen`: the late charge the agency imposes — all
/// that accrued since the last payment unless it chose less (Art. 72) or an
/// 执行协议 reduced or waived it (行政强制法 Art. 42), with the basis — and
/// the rest against the fine, in whole or in part.
pub fn record_payment(
    case: &Case,
    paid_fen: i64,
    charged: Option<i64>,
    basis: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    expect(case, CaseStatus::Served, "a payment")?;
    step_day("on", on, last_step(case), today)?;
    let p = &case.proceedings;
    if p.service.as_ref().and_then(|s| s.fine_due).is_none() {
        return Err(rule(
            Code::NothingToPay,
            "amount_fen",
            "the decision carries no fine",
        ));
    }
    let fine = p.decision.as_ref().map_or(0, |d| d.penalty.fine_fen);
    let owed = fine - p.fine_paid_fen();
    let accrued = late_charge_due(case, on);
    let charge = charged.unwrap_or(accrued);
    if !(0..=accrued).contains(&charge) {
        return Err(Error::invalid_field(
            "late_charge_fen",
            Code::InvalidAmount,
            format!("a late charge of 0 to the {accrued} fen accrued by {on} is imposed"),
        ));
    }
    let basis =
        text::optional("late_charge_basis", Some(basis), 1000, Lines::Many)?.unwrap_or_default();
    if charge < accrued && basis.is_empty() {
        return Err(Error::invalid_field(
            "late_charge_basis",
            Code::Required,
            "charging less than accrued gives its basis: the agency's decision, or the 执行协议 (行政强制法 Art. 42)",
        ));
    }
    let principal = paid_fen.saturating_sub(charge);
    if !(1..=owed).contains(&principal) {
        return Err(Error::invalid_field(
            "amount_fen",
            Code::InvalidAmount,
            format!(
                "{owed} fen of the fine is owed and a late charge of {charge} fen on {on}: a payment is more than the charge and at most {} fen",
                owed + charge
            ),
        ));
    }
    let payment = Payment {
        on,
        fine_fen: principal,
        late_charge_fen: charge,
        late_charge_accrued_fen: accrued,
        late_charge_basis: basis,
    };
    Ok(next(case, CaseStatus::Served, |p| {
        if principal == owed {
            p.payment = Some(payment);
        } else {
            p.part_payments.push(payment);
        }
    }))
}

/// Splits what is owed of a served fine into instalments (分期缴纳, Art. 66)
/// on the party's application, with the agency's approval recorded: each
/// instalment its own due day, the late charge running from each.
pub fn approve_instalments(
    case: &Case,
    schedule: &[(NaiveDate, i64)],
    approved_by: &str,
    basis: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    expect(case, CaseStatus::Served, "instalments")?;
    step_day("on", on, last_step(case), today)?;
    let p = &case.proceedings;
    let Some(first_due) = p.service.as_ref().and_then(|s| s.fine_due) else {
        return Err(rule(
            Code::NothingToPay,
            "instalments",
            "the decision carries no fine",
        ));
    };
    if p.payment.is_some() {
        return Err(rule(Code::NothingToPay, "instalments", "the fine is paid"));
    }
    if p.instalments.is_some() {
        return Err(rule(
            Code::AlreadyExtended,
            "instalments",
            "the fine was split into instalments already",
        ));
    }
    let approved_by = text::required("approved_by", approved_by, 50, Lines::One)?;
    let basis = text::required("basis", basis, 500, Lines::Many)?;
    if !(2..=MAX_INSTALMENTS).contains(&schedule.len()) {
        return Err(Error::invalid_field(
            "instalments",
            Code::InvalidCount,
            format!("a fine is split into 2 to {MAX_INSTALMENTS} instalments"),
        ));
    }
    let mut after = on;
    for (i, &(due, amount)) in schedule.iter().enumerate() {
        if due < after || (i > 0 && due == after) {
            return Err(Error::invalid_field(
                "instalments.due",
                Code::InvalidTimeRange,
                "each instalment falls due after the one before, none before the approval",
            ));
        }
        if amount <= 0 {
            return Err(Error::invalid_field(
                "instalments.amount_fen",
                Code::InvalidAmount,
                "each instalment is more than 0 fen",
            ));
        }
        after = due;
    }
    let fine = p.decision.as_ref().map_or(0, |d| d.penalty.fine_fen);
    let paid = p.fine_paid_fen();
    let total = schedule.iter().map(|(_, a)| i128::from(*a)).sum::<i128>();
    if total != i128::from(fine - paid) {
        return Err(Error::invalid_field(
            "instalments.amount_fen",
            Code::InvalidAmount,
            format!("the instalments come to what is owed: {} fen", fine - paid),
        ));
    }
    let plan = Instalments {
        on,
        approved_by,
        basis,
        first_due,
        paid_before_fen: paid,
        schedule: schedule
            .iter()
            .map(|&(due, amount_fen)| Instalment { due, amount_fen })
            .collect(),
    };
    Ok(next(case, CaseStatus::Served, |p| {
        p.instalments = Some(plan)
    }))
}

#[cfg(test)]
#[path = "payment_tests.rs"]
mod tests;
