//! The one rule for free text from outside (names, topics, content,
//! addresses): Unicode normalised to NFC, trimmed, no control characters
//! (tab and line breaks only where the field holds several lines, `\r\n`
//! kept as `\n`), and a length counted in characters. Every service reads
//! its free-text fields through here, so the same text is accepted or
//! refused with the same code everywhere.

use unicode_normalization::UnicodeNormalization;

use crate::Error;

/// Whether a field may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// The text as kept, `None` when blank.
pub fn optional(
    field: &str,
    text: Option<&str>,
    max_chars: usize,
    lines: Lines,
) -> Result<Option<String>, Error> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\t');
    let text: String = text.replace("\r\n", "\n").nfc().collect();
    // Invisible format characters make two texts look alike, or text read
    // backwards (U+202E): refused in a single line (a name, a code, a
    // title), dropped from running text.
    if lines == Lines::One && text.chars().any(is_invisible_format) {
        return Err(Error::invalid_field(
            field,
            crate::Code::ControlCharacter,
            format!(
                "{field} contains an invisible format character (zero-width, byte-order mark or direction mark)"
            ),
        ));
    }
    let text: String = if text.chars().any(is_invisible_format) {
        text.chars()
            .filter(|c| !is_invisible_format(*c))
            .collect::<String>()
            .trim()
            .to_owned()
    } else {
        text
    };
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        let what = match lines {
            Lines::One => "a control character (line breaks and tabs included)",
            Lines::Many => "a control character",
        };
        return Err(Error::invalid_field(
            field,
            crate::Code::ControlCharacter,
            format!("{field} contains {what}"),
        ));
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(Error::invalid_field(
            field,
            crate::Code::TooLong,
            format!("{field} has {chars} characters; at most {max_chars} are allowed"),
        ));
    }
    Ok(Some(text))
}

/// Unicode's invisible format characters (category Cf) a text may carry
/// unseen: soft hyphen, zero-width spaces and joiners, direction marks,
/// embeddings, overrides and isolates, word joiners and invisible
/// operators, the byte-order mark, interlinear annotation marks.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// The form two names are compared in: compatibility normalised (NFKC, so
/// full-width `ａ` is `a`), lower-cased and trimmed — `A.Officer`,
/// `ａ.officer` and `a.officer` are one name.
pub fn name_key(name: &str) -> String {
    name.trim().nfkc().flat_map(char::to_lowercase).collect()
}

/// The text as kept; refused when blank.
pub fn required(field: &str, text: &str, max_chars: usize, lines: Lines) -> Result<String, Error> {
    optional(field, Some(text), max_chars, lines)?.ok_or_else(|| {
        Error::invalid_field(
            field,
            crate::Code::Required,
            format!("{field} must not be empty"),
        )
    })
}

/// Longest request id accepted (the gateway sends 64 hex digits).
const MAX_REQUEST_ID_LEN: usize = 128;

/// A caller's request id (what makes a retried write land once), `None`
/// when none was sent.
pub fn request_id(text: &str) -> Result<Option<String>, Error> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > MAX_REQUEST_ID_LEN || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_field(
            "request_id",
            crate::Code::InvalidRequestId,
            format!("request_id must be at most {MAX_REQUEST_ID_LEN} visible ASCII characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_other_control_characters_are_refused_by_name() {
        for bad in ["王\u{0}五", "a\u{1b}[31m", "x\u{7f}", "y\u{85}z"] {
            let err = required("name", bad, 50, Lines::One).unwrap_err();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                ("control_character", Some("name"))
            );
        }
        assert_eq!(
            required("name", "王\n五", 50, Lines::One).unwrap_err().code,
            "control_character"
        );
    }

    #[test]
    fn invisible_format_characters_are_refused_in_a_line_and_dropped_from_running_text() {
        for bad in [
            "王\u{FEFF}五",
            "a\u{200B}b",
            "\u{202E}cod.exe",
            "x\u{2066}y",
        ] {
            let err = required("name", bad, 50, Lines::One).unwrap_err();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                ("control_character", Some("name")),
                "{bad:?}"
            );
        }
        assert_eq!(
            required(
                "content",
                "违法\u{200B}建房\u{FEFF}\n第二行\u{202E}",
                100,
                Lines::Many
            )
            .unwrap(),
            "违法建房\n第二行"
        );
        assert_eq!(
            required("content", "\u{200B}\u{FEFF}", 100, Lines::Many)
                .unwrap_err()
                .code,
            "required"
        );
    }

    #[test]
    fn several_lines_keep_tabs_and_line_breaks() {
        assert_eq!(
            required("content", " 第一行\r\n\t第二行 ", 100, Lines::Many).unwrap(),
            "第一行\n\t第二行"
        );
    }

    #[test]
    fn text_is_normalised_and_counted_in_characters() {
        // "e" + combining acute is one character once normalised.
        assert_eq!(
            required("topic", "e\u{301}", 1, Lines::One).unwrap(),
            "\u{e9}"
        );
        assert_eq!(
            required("topic", &"法".repeat(5), 5, Lines::One)
                .unwrap()
                .chars()
                .count(),
            5
        );
        assert_eq!(
            required("topic", &"法".repeat(6), 5, Lines::One)
                .unwrap_err()
                .code,
            "too_long"
        );
        assert_eq!(
            required("topic", "  ", 5, Lines::One).unwrap_err().code,
            "required"
        );
        assert_eq!(optional("rank", Some(" "), 5, Lines::One).unwrap(), None);
    }
}
