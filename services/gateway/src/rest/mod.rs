//! One REST adapter per service: JSON in, a signed gRPC call with a
//! deadline, JSON or a problem out.

pub(crate) mod cases;
pub(crate) mod codes;
pub(crate) mod complaint_push;
pub(crate) mod complaint_reads;
pub(crate) mod complaint_steps;
pub(crate) mod complaints;
pub(crate) mod divisions;
pub(crate) mod lists;
pub(crate) mod oversight;
pub(crate) mod oversight_metrics;
pub(crate) mod oversight_table;
pub(crate) mod public;
pub(crate) mod register_rules;
pub(crate) mod registers;
pub(crate) mod report;
pub(crate) mod routing;
pub(crate) mod training;
pub(crate) mod warnings;
