//! The `fazhi` command: configuration, the service bootstrap, and the CLI.

pub mod cli;
pub mod cluster;
mod demo;
mod import;
mod ops;
mod setting_docs;
pub mod settings;
