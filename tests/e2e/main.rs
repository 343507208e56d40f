//! End-to-end tests: one test binary, a module per concern.

mod authorization;
mod bad_input;
mod cases;
mod complaints;
mod crash;
mod grpc;
mod hardening;
mod identity;
mod resilience;
mod training;
