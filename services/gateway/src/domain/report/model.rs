//! A report as the renderers see it: blocks of text in which every number
//! is a figure that names where it came from.

use serde::Serialize;
use utoipa::ToSchema;

/// One computed figure of the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figure {
    /// Its footnote number (1, 2, …).
    pub number: usize,
    /// What it counts, as the report words it.
    pub label: String,
    /// The figure as printed (`19`, `95.0%`).
    pub value: String,
    /// The same figure for the year before, where the report compares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The request and field it was computed from.
    pub source: String,
}

/// A piece of a paragraph.
#[derive(Debug, Clone)]
pub enum Span {
    Text(String),
    /// The figure with this index into [`Report::figures`].
    Figure(usize),
}

#[derive(Debug, Clone)]
pub enum Block {
    /// 一、… (level 1) or （一）… (level 2).
    Heading(u8, String),
    Paragraph(Vec<Span>),
    /// Narrative the township writes itself, marked for it.
    Placeholder(String),
}

#[derive(Debug, Clone)]
pub struct Report {
    /// 文号 line, left for the township.
    pub title: String,
    pub addressee: String,
    pub blocks: Vec<Block>,
    pub signature: Vec<String>,
    pub figures: Vec<Figure>,
}

impl Report {
    pub fn new(title: String, addressee: String) -> Self {
        Self {
            title,
            addressee,
            blocks: Vec::new(),
            signature: Vec::new(),
            figures: Vec::new(),
        }
    }

    /// Adds a figure and returns the span that prints it.
    pub fn figure(
        &mut self,
        label: impl Into<String>,
        value: impl Into<String>,
        previous: Option<String>,
        source: impl Into<String>,
    ) -> Span {
        let number = self.figures.len() + 1;
        self.figures.push(Figure {
            number,
            label: label.into(),
            value: value.into(),
            previous,
            source: source.into(),
        });
        Span::Figure(number - 1)
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    pub fn paragraph(&mut self, spans: Vec<Span>) {
        self.blocks.push(Block::Paragraph(spans));
    }

    pub fn placeholder(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Placeholder(text.into()));
    }
}

/// Text as a span.
pub fn t(text: impl Into<String>) -> Span {
    Span::Text(text.into())
}

/// A share as the report prints it: `95.0%`.
pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// `part ÷ whole` as a percentage, `—` without a whole.
pub fn share(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".to_owned()
    } else {
        percent(part as f64 / whole as f64)
    }
}
