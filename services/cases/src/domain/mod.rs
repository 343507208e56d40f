//! The rules of DOMAIN.md "Enforcement cases". No I/O here: no database, no
//! transport (a check in `.ci/run` keeps it so); the store and the gRPC
//! adapter call in.

use fazhi_platform::coded_enum;

coded_enum! {
    /// Where a case stands, from lead (线索) to closing (结案).
    CaseStatus {
        /// 线索: received, not yet filed.
        Lead => "lead",
        /// 立案
        Filed => "filed",
        /// 决定: a decision is made.
        Decided => "decided",
        /// 结案
        Closed => "closed",
    }
}
