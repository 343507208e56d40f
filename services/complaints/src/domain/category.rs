//! The category taxonomy (诉求分类), kept in the platform crate so the
//! gateway's reports name categories from the same list.

pub use fazhi_platform::complaint_category::*;
