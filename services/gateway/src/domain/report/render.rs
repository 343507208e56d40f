//! The report as Markdown, HTML and .docx. Each figure carries a footnote
//! naming its source, and an appendix table lists them all with last year's.

use docx_rs::{
    AlignmentType, Docx, Footnote, Paragraph, Run, RunFonts, Table, TableCell, TableRow,
};
use fazhi_platform::Error;

use super::model::{Block, Report, Span};

const APPENDIX: &str = "附表：本报告数据来源";

fn footnote_text(report: &Report, index: usize) -> String {
    let f = &report.figures[index];
    let previous = f
        .previous
        .as_ref()
        .map(|p| format!("；上年 {p}"))
        .unwrap_or_default();
    format!("{}：{}{previous}。来源：{}", f.label, f.value, f.source)
}

/// Markdown with footnotes (`[^n]`) and the appendix table. Text from
/// records (a register entry's title, a township's name) is written as
/// text: HTML in it is escaped, never passed through to a reader's page.
pub fn markdown(report: &Report) -> String {
    let md = markdown_text;
    let mut out = format!("# {}\n\n{}\n\n", md(&report.title), md(&report.addressee));
    for block in &report.blocks {
        match block {
            Block::Heading(1, text) => out.push_str(&format!("## {}\n\n", md(text))),
            Block::Heading(_, text) => out.push_str(&format!("### {}\n\n", md(text))),
            Block::Placeholder(text) => out.push_str(&format!("*{}*\n\n", md(text))),
            Block::Paragraph(spans) => {
                for span in spans {
                    match span {
                        Span::Text(text) => out.push_str(&md(text)),
                        Span::Figure(i) => {
                            let f = &report.figures[*i];
                            out.push_str(&format!("{}[^{}]", md(&f.value), f.number));
                        }
                    }
                }
                out.push_str("\n\n");
            }
        }
    }
    for line in &report.signature {
        out.push_str(&format!("{}  \n", md(line)));
    }
    out.push_str(&format!(
        "\n## {APPENDIX}\n\n| 序号 | 数据项 | 本年 | 上年 | 来源 |\n|---|---|---|---|---|\n"
    ));
    let cell = |text: &str| md(text).replace('|', "\\|");
    for f in &report.figures {
        out.push_str(&format!(
            "| {} | {} | {} | {} | `{}` |\n",
            f.number,
            cell(&f.label),
            cell(&f.value),
            cell(f.previous.as_deref().unwrap_or("—")),
            f.source.replace('|', "\\|").replace('`', "'")
        ));
    }
    out.push('\n');
    for (i, _) in report.figures.iter().enumerate() {
        out.push_str(&format!(
            "[^{}]: {}\n",
            i + 1,
            md(&footnote_text(report, i))
        ));
    }
    out
}

/// Text as Markdown shows it: `&`, `<` and `>` as entities, so no tag or
/// entity in it is read as HTML.
fn markdown_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A standalone HTML page.
pub fn html(report: &Report) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{0}</title>\
         <style>body{{max-width:50em;margin:2em auto;font-family:serif;line-height:1.8}}\
         h1{{text-align:center}}.placeholder{{color:#a00}}sup a{{text-decoration:none}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.2em .5em}}</style>\
         </head><body>\n<h1>{0}</h1>\n<p>{1}</p>\n",
        escape(&report.title),
        escape(&report.addressee)
    );
    for block in &report.blocks {
        match block {
            Block::Heading(1, text) => out.push_str(&format!("<h2>{}</h2>\n", escape(text))),
            Block::Heading(_, text) => out.push_str(&format!("<h3>{}</h3>\n", escape(text))),
            Block::Placeholder(text) => {
                out.push_str(&format!("<p class=\"placeholder\">{}</p>\n", escape(text)))
            }
            Block::Paragraph(spans) => {
                out.push_str("<p>");
                for span in spans {
                    match span {
                        Span::Text(text) => out.push_str(&escape(text)),
                        Span::Figure(i) => {
                            let f = &report.figures[*i];
                            out.push_str(&format!(
                                "<span class=\"figure\" data-figure=\"{n}\">{}</span><sup><a href=\"#f{n}\">[{n}]</a></sup>",
                                escape(&f.value),
                                n = f.number
                            ));
                        }
                    }
                }
                out.push_str("</p>\n");
            }
        }
    }
    for line in &report.signature {
        out.push_str(&format!(
            "<p style=\"text-align:right\">{}</p>\n",
            escape(line)
        ));
    }
    out.push_str(&format!(
        "<h2>{APPENDIX}</h2>\n<table><tr><th>序号</th><th>数据项</th><th>本年</th><th>上年</th><th>来源</th></tr>\n"
    ));
    for f in &report.figures {
        out.push_str(&format!(
            "<tr id=\"f{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
            f.number,
            f.number,
            escape(&f.label),
            escape(&f.value),
            escape(f.previous.as_deref().unwrap_or("—")),
            escape(&f.source)
        ));
    }
    out.push_str("</table>\n</body></html>\n");
    out
}

fn body_run(text: &str) -> Run {
    Run::new()
        .add_text(text)
        .size(32)
        .fonts(RunFonts::new().east_asia("仿宋_GB2312"))
}

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text).size(21)))
}

/// A .docx in the layout of a government document: title in 小标宋,
/// headings in 黑体 and 楷体, body in 仿宋 三号, each figure with a footnote.
pub fn docx(report: &Report) -> Result<Vec<u8>, Error> {
    let mut doc = Docx::new().add_paragraph(
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .add_text(&report.title)
                .size(44)
                .fonts(RunFonts::new().east_asia("方正小标宋简体")),
        ),
    );
    doc = doc.add_paragraph(Paragraph::new().add_run(body_run(&report.addressee)));
    for block in &report.blocks {
        let paragraph = match block {
            Block::Heading(level, text) => {
                let font = if *level == 1 {
                    "黑体"
                } else {
                    "楷体_GB2312"
                };
                Paragraph::new().first_line_chars(200).add_run(
                    Run::new()
                        .add_text(text)
                        .size(32)
                        .fonts(RunFonts::new().east_asia(font)),
                )
            }
            Block::Placeholder(text) => Paragraph::new()
                .first_line_chars(200)
                .add_run(body_run(text).color("C00000").highlight("yellow")),
            Block::Paragraph(spans) => {
                let mut p = Paragraph::new().first_line_chars(200);
                for span in spans {
                    match span {
                        Span::Text(text) => p = p.add_run(body_run(text)),
                        Span::Figure(i) => {
                            let note =
                                Footnote::new().add_content(Paragraph::new().add_run(
                                    Run::new().add_text(footnote_text(report, *i)).size(18),
                                ));
                            p = p
                                .add_run(body_run(&report.figures[*i].value))
                                .add_run(Run::new().add_footnote_reference(note));
                        }
                    }
                }
                p
            }
        };
        doc = doc.add_paragraph(paragraph);
    }
    for line in &report.signature {
        doc = doc.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(body_run(line)),
        );
    }
    doc = doc.add_paragraph(
        Paragraph::new().add_run(
            Run::new()
                .add_text(APPENDIX)
                .size(32)
                .fonts(RunFonts::new().east_asia("黑体")),
        ),
    );
    let mut rows = vec![TableRow::new(
        ["序号", "数据项", "本年", "上年", "来源"]
            .into_iter()
            .map(cell)
            .collect(),
    )];
    for f in &report.figures {
        rows.push(TableRow::new(vec![
            cell(&f.number.to_string()),
            cell(&f.label),
            cell(&f.value),
            cell(f.previous.as_deref().unwrap_or("—")),
            cell(&f.source),
        ]));
    }
    doc = doc.add_table(Table::new(rows));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(Error::internal)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_in_a_record_reaches_the_markdown_as_text() {
        let report = Report {
            title: "<script>alert(1)</script>镇".into(),
            addressee: "县人民政府：".into(),
            blocks: vec![
                Block::Heading(1, "<img src=x onerror=alert(1)>".into()),
                Block::Paragraph(vec![Span::Text("文件《<b>规定</b>》&amp;".into())]),
            ],
            signature: vec!["<i>镇</i>".into()],
            figures: Vec::new(),
        };
        let text = markdown(&report);
        assert!(!text.contains('<'), "{text}");
        assert!(
            text.contains("&lt;script&gt;alert(1)&lt;/script&gt;镇"),
            "{text}"
        );
        assert!(text.contains("&amp;amp;"), "{text}");
    }
}
