//! The REST API answered in process with `tower::ServiceExt::oneshot`: no
//! listener, and the services it calls built in this process on SQLite and
//! reached without a socket ([`fazhi_platform::grpc::connect_local`]). One
//! module per area; `edge` needs no service at all.

mod abuse;
mod cases;
mod complaints;
mod county;
mod edge;
mod oversight;
mod training;
