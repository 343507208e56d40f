//! The gateway's own rules, free of I/O like every service's domain: the
//! township's registers for its annual report (what an entry must hold).

pub mod registers;
