//! The penalties of 行政处罚法 Art. 9 as a notice proposes and a decision
//! gives them: which carry a hearing (Art. 63), which is heavier than
//! another (Art. 44), and the amounts a decision may carry.

use fazhi_platform::{Code, Error};
use serde::{Deserialize, Serialize};

/// The largest fine any decision could carry (¥10 billion), in fen: more is
/// a typing slip.
pub const MAX_FINE_FEN: i64 = 1_000_000_000_000;

/// A penalty proposed or decided (行政处罚法 Art. 9), its kinds alone or
/// together: a warning or 通报批评, a fine (in fen), confiscation (of
/// illegal gains and illegal property, by value in fen), and the licence
/// and business penalties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Penalty {
    pub warning: bool,
    pub fine_fen: i64,
    /// 通报批评.
    pub criticism: bool,
    /// 没收违法所得、没收非法财物: the value taken, in fen.
    pub confiscated_fen: i64,
    /// 暂扣许可证件.
    pub suspend_licence: bool,
    /// 降低资质等级.
    pub lower_qualification: bool,
    /// 吊销许可证件.
    pub revoke_licence: bool,
    /// 限制开展生产经营活动.
    pub restrict_business: bool,
    /// 责令停产停业.
    pub stop_business: bool,
    /// 责令关闭.
    pub close: bool,
    /// 限制从业.
    pub restrict_practice: bool,
}

impl Penalty {
    /// Whether it penalises at all.
    pub fn is_empty(&self) -> bool {
        *self == Penalty::default()
    }

    /// The licence and business penalties it carries, each with whether it
    /// is one Art. 63 lists for a hearing.
    fn measures(&self) -> [(bool, bool); 7] {
        [
            (self.suspend_licence, false),
            (self.lower_qualification, true),
            (self.revoke_licence, true),
            (self.restrict_business, false),
            (self.stop_business, true),
            (self.close, true),
            (self.restrict_practice, true),
        ]
    }

    /// Whether it carries a right to a hearing (Art. 63, at the province's
    /// amounts): a fine or a confiscation from them, lowering a
    /// qualification, revoking a licence, stopping production or business,
    /// closing, restricting practice.
    pub fn carries_hearing(&self, from_fen: i64) -> bool {
        self.fine_fen >= from_fen
            || self.confiscated_fen >= from_fen
            || self
                .measures()
                .iter()
                .any(|(given, listed)| *given && *listed)
    }

    /// Whether it is heavier than `notified` in any part: a larger amount,
    /// or a kind the notice did not carry (a warning is lighter than a fine
    /// or 通报批评 notified).
    pub fn heavier_than(&self, notified: &Penalty) -> bool {
        let more = |d: bool, n: bool| d && !n;
        self.fine_fen > notified.fine_fen
            || self.confiscated_fen > notified.confiscated_fen
            || more(self.criticism, notified.criticism)
            || (self.warning && !notified.warning && !notified.criticism && notified.fine_fen == 0)
            || self
                .measures()
                .iter()
                .zip(notified.measures().iter())
                .any(|((d, _), (n, _))| more(*d, *n))
    }
}

/// A penalty as given: a fine from nothing to [`MAX_FINE_FEN`].
pub fn check_penalty(field: &str, penalty: Penalty) -> Result<Penalty, Error> {
    for (name, amount) in [
        ("fine_fen", penalty.fine_fen),
        ("confiscated_fen", penalty.confiscated_fen),
    ] {
        if !(0..=MAX_FINE_FEN).contains(&amount) {
            let field = format!("{field}.{name}");
            return Err(Error::invalid_field(
                &field,
                Code::InvalidAmount,
                format!("{field} is an amount from 0 to {MAX_FINE_FEN} fen"),
            ));
        }
    }
    Ok(penalty)
}
