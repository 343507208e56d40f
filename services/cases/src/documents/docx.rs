//! A document as .docx in the layout of a government document (GB/T
//! 9704): the agency and the title in 小标宋, the number centred, the body
//! in 仿宋 三号 indented two characters, a form as a table.

use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
use fazhi_platform::Error;

use super::Document;

fn run(text: &str, size: usize, font: &str) -> Run {
    Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font))
}

fn body(text: &str) -> Run {
    run(text, 32, "仿宋_GB2312")
}

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(body(text)))
}

pub fn docx(doc: &Document) -> Result<Vec<u8>, Error> {
    let centred = |r: Run| Paragraph::new().align(AlignmentType::Center).add_run(r);
    let mut out = Docx::new()
        .add_paragraph(centred(run(&doc.agency, 44, "方正小标宋简体")))
        .add_paragraph(centred(run(&doc.title, 44, "方正小标宋简体")));
    if !doc.number.is_empty() {
        out = out.add_paragraph(centred(body(&doc.number)));
    }
    for line in &doc.heading {
        out = out.add_paragraph(Paragraph::new().add_run(body(line)));
    }
    for paragraph in &doc.body {
        out = out.add_paragraph(
            Paragraph::new()
                .first_line_chars(200)
                .add_run(body(paragraph)),
        );
    }
    if !doc.rows.is_empty() {
        let rows = doc
            .rows
            .iter()
            .map(|(label, value)| TableRow::new(vec![cell(label), cell(value)]))
            .collect();
        out = out.add_table(Table::new(rows));
    }
    for line in &doc.signature {
        out = out.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(body(line)),
        );
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    out.build().pack(&mut bytes).map_err(Error::internal)?;
    Ok(bytes.into_inner())
}
