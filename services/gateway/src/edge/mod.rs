//! The REST edge every route passes through: problem documents, reading
//! JSON and queries, rate windows, idempotency keys with their own store,
//! the OpenAPI document, health, request metrics and the HTTP listener.

pub mod access;
pub(crate) mod dashboard;
pub(crate) mod health;
pub mod idempotency;
pub(crate) mod json;
pub(crate) mod limits;
pub(crate) mod listener;
pub mod mapping;
pub(crate) mod observe;
pub mod openapi;
pub mod problem;
pub(crate) mod query;
