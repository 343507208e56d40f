//! The simple procedure (简易程序, 行政处罚法 Arts. 51–52, 68–69): a warning
//! or a small fine decided on the spot by two certified officers who show
//! their certificates, on a numbered pre-printed form handed to the party;
//! a fine collected on the spot only up to ¥100, or where it would be hard
//! to collect otherwise.

use chrono::{Days, NaiveDate};
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error};
use serde::{Deserialize, Serialize};

use super::case::check_step_day;
use super::{
    Case, CaseStatus, Certification, Decision, DecisionKind, PartyKind, Payment, Penalty,
    PowerItem, Proceedings, Service, ServiceMethod, check_fileable, check_officers, check_penalty,
    rule,
};

/// The most the simple procedure may fine (Art. 51), in fen.
pub const SIMPLE_FINE_PERSON_FEN: i64 = 200 * 100;
pub const SIMPLE_FINE_ORGANISATION_FEN: i64 = 3_000 * 100;
/// The most collected on the spot (Art. 68), in fen.
pub const ON_THE_SPOT_COLLECTION_FEN: i64 = 100 * 100;

/// What the simple procedure records beside the decision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OnTheSpot {
    /// The pre-printed, numbered decision form (当场处罚决定书编号).
    pub form_number: String,
    /// The fine was collected on the spot.
    pub collected: bool,
    /// Reported to the agency (备案, Art. 52).
    pub reported_on: Option<NaiveDate>,
    /// The cash collected handed in to the agency, with its receipt
    /// number, and whether within two working days (Arts. 70–71).
    pub handed_in_on: Option<NaiveDate>,
    pub receipt_number: Option<String>,
    pub handed_in_on_time: Option<bool>,
}

/// Working days within which cash collected on the spot is handed in (Art. 71).
pub const HAND_IN_WORKING_DAYS: u32 = 2;

/// How a fine decided on the spot is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// Paid later at the bank, as any fine.
    Later,
    /// Collected on the spot: up to ¥100 (Art. 68).
    OnTheSpot,
    /// Collected on the spot because paying at the bank would be hard
    /// (remote areas, waters, Art. 69): any amount the procedure allows.
    HardToCollect,
}

/// 当场处罚: a lead decided on `on` citing `item`, with at least two
/// officers certified that day; a warning or a fine within the simple
/// procedure's amounts; handed to the party on the spot (served that day).
#[allow(clippy::too_many_arguments)]
pub fn decide_on_the_spot(
    case: &Case,
    item: &PowerItem,
    officers: &[(String, Certification)],
    penalty: Penalty,
    form_number: &str,
    collection: Collection,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    check_fileable(case, item, on, today)?;
    check_step_day("on", on, case.discovered_on, today)?;
    let penalty = check_penalty("penalty", penalty)?;
    if !penalty.warning && penalty.fine_fen == 0 {
        return Err(Error::invalid_field(
            "penalty",
            Code::Required,
            "a decision on the spot gives a warning or a fine",
        ));
    }
    let limit = match case.party.kind {
        PartyKind::Person => SIMPLE_FINE_PERSON_FEN,
        PartyKind::Organisation => SIMPLE_FINE_ORGANISATION_FEN,
    };
    if penalty.fine_fen > limit {
        return Err(rule(
            Code::AboveSimpleProcedure,
            "penalty.fine_fen",
            format!(
                "the simple procedure fines at most {} yuan here: use the general procedure (行政处罚法 Art. 51)",
                limit / 100
            ),
        ));
    }
    if collection == Collection::OnTheSpot && penalty.fine_fen > ON_THE_SPOT_COLLECTION_FEN {
        return Err(rule(
            Code::AboveSpotCollection,
            "collection",
            "a fine is collected on the spot only up to 100 yuan, or where paying otherwise would be hard (行政处罚法 Arts. 68, 69)",
        ));
    }
    for (officer, _) in officers {
        super::check_not_recused(case, officer, "officer_ids")?;
    }
    check_officers(officers)?;
    let form_number = text::required("form_number", form_number, 50, Lines::One)?;
    let collected = collection != Collection::Later && penalty.fine_fen > 0;
    Ok(Case {
        power_item_code: Some(item.code.clone()),
        category: Some(item.category),
        officers: officers.iter().map(|(id, _)| id.clone()).collect(),
        filed_on: Some(on),
        proceedings: Proceedings {
            decision: Some(Decision {
                on,
                kind: DecisionKind::Penalty.code().to_owned(),
                penalty,
                on_time: true,
                review_required: false,
                discussion_required: false,
                orders: Vec::new(),
                number: form_number.clone(),
            }),
            service: Some(Service {
                on,
                method: ServiceMethod::InPerson.code().to_owned(),
                on_time: true,
                fine_due: (penalty.fine_fen > 0 && !collected).then(|| on + Days::new(15)),
            }),
            payment: collected.then_some(Payment {
                on,
                fine_fen: penalty.fine_fen,
                late_charge_fen: 0,
                late_charge_accrued_fen: 0,
                late_charge_basis: String::new(),
            }),
            on_the_spot: Some(OnTheSpot {
                form_number,
                collected,
                ..OnTheSpot::default()
            }),
            ..Proceedings::default()
        },
        status: CaseStatus::Served,
        version: case.version + 1,
        ..case.clone()
    })
}

fn spot(case: &Case) -> Result<(&OnTheSpot, NaiveDate), Error> {
    let p = &case.proceedings;
    match (&p.on_the_spot, &p.decision) {
        (Some(spot), Some(decision)) => Ok((spot, decision.on)),
        _ => Err(Error::new(
            fazhi_platform::ErrorKind::FailedPrecondition,
            Code::InvalidTransition,
            "only a decision made on the spot (简易程序) is reported or its cash handed in",
        )),
    }
}

/// 备案: the decision made on the spot reported to the agency (Art. 52).
pub fn report_spot_decision(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    let (spot, decided) = spot(case)?;
    check_step_day("on", on, decided, today)?;
    if spot.reported_on.is_some() {
        return Err(rule(
            Code::AlreadyRequested,
            "on",
            "the decision was reported already",
        ));
    }
    let mut after = case.clone();
    if let Some(s) = after.proceedings.on_the_spot.as_mut() {
        s.reported_on = Some(on);
    }
    after.version += 1;
    Ok(after)
}

/// The cash collected on the spot handed in to the agency with its receipt
/// (Arts. 70–71): recorded whenever it happens, and whether within two
/// working days of the collection.
pub fn hand_in_cash(
    case: &Case,
    receipt_number: &str,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &fazhi_calendar::Calendar,
) -> Result<Case, Error> {
    let (spot, collected_on) = spot(case)?;
    if !spot.collected {
        return Err(rule(
            Code::NothingToPay,
            "on",
            "no cash was collected on the spot",
        ));
    }
    if spot.handed_in_on.is_some() {
        return Err(rule(
            Code::AlreadyRequested,
            "on",
            "the cash was handed in already",
        ));
    }
    check_step_day("on", on, collected_on, today)?;
    let receipt = text::required("receipt_number", receipt_number, 64, Lines::One)?;
    let due = calendar.add_working_days(collected_on, HAND_IN_WORKING_DAYS);
    let mut after = case.clone();
    if let Some(s) = after.proceedings.on_the_spot.as_mut() {
        s.handed_in_on = Some(on);
        s.receipt_number = Some(receipt);
        s.handed_in_on_time = Some(on <= due);
    }
    after.version += 1;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    fn two() -> Vec<(String, Certification)> {
        vec![
            ("o1".into(), Certification::Certified),
            ("o2".into(), Certification::Certified),
        ]
    }

    fn fine(yuan: i64) -> Penalty {
        Penalty {
            warning: false,
            fine_fen: yuan * 100,
            ..Penalty::default()
        }
    }

    fn spot(case: &Case, penalty: Penalty, collection: Collection) -> Result<Case, Error> {
        decide_on_the_spot(
            case,
            &power_item(),
            &two(),
            penalty,
            "豫A0001234",
            collection,
            day("2024-03-05"),
            day("2026-11-29"),
        )
    }

    #[test]
    fn a_person_is_fined_on_the_spot_up_to_two_hundred_yuan_an_organisation_three_thousand() {
        assert_eq!(
            spot(&lead(), fine(201), Collection::Later)
                .unwrap_err()
                .code,
            Code::AboveSimpleProcedure
        );
        let served = spot(&lead(), fine(200), Collection::Later).unwrap();
        assert_eq!(served.status, CaseStatus::Served);
        assert_eq!(
            served.proceedings.service.unwrap().fine_due,
            Some(day("2024-03-20"))
        );
        let mut company = lead();
        company.party.kind = PartyKind::Organisation;
        assert!(spot(&company, fine(3_000), Collection::Later).is_ok());
        assert!(spot(&company, fine(3_001), Collection::Later).is_err());
    }

    #[test]
    fn only_a_hundred_yuan_is_collected_on_the_spot_unless_paying_later_is_hard() {
        assert_eq!(
            spot(&lead(), fine(150), Collection::OnTheSpot)
                .unwrap_err()
                .code,
            Code::AboveSpotCollection
        );
        let paid = spot(&lead(), fine(100), Collection::OnTheSpot).unwrap();
        assert!(paid.proceedings.payment.is_some());
        assert!(paid.proceedings.on_the_spot.unwrap().collected);
        assert!(
            spot(&lead(), fine(150), Collection::HardToCollect)
                .unwrap()
                .proceedings
                .payment
                .is_some()
        );
    }

    #[test]
    fn the_simple_procedure_still_needs_two_certified_officers_and_a_held_item() {
        let one = vec![("o1".into(), Certification::Certified)];
        let err = decide_on_the_spot(
            &lead(),
            &power_item(),
            &one,
            fine(50),
            "豫A1",
            Collection::Later,
            day("2024-03-05"),
            day("2026-11-29"),
        )
        .unwrap_err();
        assert_eq!(err.code, Code::TooFewOfficers);
        let warning = Penalty {
            warning: true,
            fine_fen: 0,
            ..Penalty::default()
        };
        assert!(
            spot(&lead(), warning, Collection::Later)
                .unwrap()
                .proceedings
                .service
                .unwrap()
                .fine_due
                .is_none()
        );
        assert_eq!(
            spot(&lead(), Penalty::default(), Collection::Later)
                .unwrap_err()
                .code,
            Code::Required
        );
    }

    #[test]
    fn cash_collected_on_the_spot_is_handed_in_with_its_receipt_and_the_decision_reported() {
        let calendar = fazhi_calendar::Calendar::official();
        let decided = decide_on_the_spot(
            &lead(),
            &power_item(),
            &two(),
            fine(50),
            "豫A0001",
            Collection::OnTheSpot,
            day("2024-09-30"),
            day("2026-12-01"),
        )
        .unwrap();
        let reported =
            report_spot_decision(&decided, day("2024-09-30"), day("2026-12-01")).unwrap();
        assert_eq!(
            report_spot_decision(&reported, day("2024-10-08"), day("2026-12-01"))
                .unwrap_err()
                .code,
            Code::AlreadyRequested
        );
        // Collected Monday 30 September 2024: two working days after the
        // National Day week is Wednesday 9 October.
        let hand_in = |on: &str| {
            hand_in_cash(
                &reported,
                "NO.0012345",
                day(on),
                day("2026-12-01"),
                &calendar,
            )
            .unwrap()
            .proceedings
            .on_the_spot
            .unwrap()
            .handed_in_on_time
        };
        assert_eq!(hand_in("2024-10-09"), Some(true));
        assert_eq!(hand_in("2024-10-10"), Some(false));
        let missing = hand_in_cash(
            &reported,
            " ",
            day("2024-10-09"),
            day("2026-12-01"),
            &calendar,
        );
        assert_eq!(missing.unwrap_err().code, Code::Required);
        let later = decide_on_the_spot(
            &lead(),
            &power_item(),
            &two(),
            fine(50),
            "豫A0002",
            Collection::Later,
            day("2024-09-30"),
            day("2026-12-01"),
        )
        .unwrap();
        let nothing = hand_in_cash(
            &later,
            "NO.1",
            day("2024-10-09"),
            day("2026-12-01"),
            &calendar,
        );
        assert_eq!(nothing.unwrap_err().code, Code::NothingToPay);
    }
}
