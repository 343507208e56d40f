//! The annual rule-of-law government report (法治政府建设情况的报告):
//! composed from a year's figures and the township's registers
//! ([`compose`]), rendered as Markdown, HTML or .docx ([`render`]).

pub mod compose;
pub mod model;
pub mod render;
mod sections;
