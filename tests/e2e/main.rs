//! End-to-end tests: one test binary, a module per concern.

mod bad_input;
mod complaints;
mod crash;
mod grpc;
mod resilience;
