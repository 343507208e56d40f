//! End-to-end tests: one test binary, a module per concern.

mod abuse;
mod authorization;
mod backup;
mod bad_input;
mod cases;
mod complaint_push;
mod complaint_workflow;
mod complaints;
mod confidentiality;
mod crash;
mod dashboard;
mod delivery;
mod demo;
mod enforcement;
mod escalation;
mod fixtures;
mod fleet;
mod grpc;
mod hardening;
mod hearings;
mod identity;
mod ledger;
mod no_visit;
mod officers;
mod outage;
mod oversight;
mod past;
mod platform;
mod power_list;
mod records;
mod report;
mod resilience;
mod traces;
mod training;
mod warnings;

/// SHA-256 of `bytes` as 64 lower-case hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
