//! The gateway's own rules and values, free of I/O like every service's
//! domain: the township's registers (what an entry must hold), the figures
//! of a period gathered from the services, and the annual report written
//! from them.

pub mod figures;
pub mod registers;
pub mod report;
pub mod summary_table;
