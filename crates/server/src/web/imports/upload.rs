//! The import forms as posted: `multipart/form-data` with a chosen file (the page's forms), or
//! `application/x-www-form-urlencoded` with pasted text (older pages and scripts). Either way
//! the handler gets the text to import and says which input it came from, so a problem with
//! the file is shown next to the file input and one with pasted text next to the text box.
//!
//! Decides nothing about CTF or CSV: the use cases read the text.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use sha2::{Digest, Sha256};

/// The largest file (or pasted text) an import reads, in bytes: a secondary school's CTF of
/// 2,000 pupils is about 2.5 MB, so 20 MB leaves room for the largest school.
pub(crate) const FILE_LIMIT_BYTES: usize = 20 * 1024 * 1024;

/// The request body limit of the import forms: the file and the text box both at their limit.
pub(crate) const FORM_LIMIT_BYTES: usize = 2 * FILE_LIMIT_BYTES + 64 * 1024;

/// A refused form: the input to show the message beside, and the message.
#[derive(Debug)]
pub(crate) struct Refused {
    pub field: String,
    pub reason: String,
    /// Over [`FILE_LIMIT_BYTES`] (answered 413).
    pub too_large: bool,
}

fn refused(field: &str, reason: impl Into<String>) -> Refused {
    Refused {
        field: field.to_string(),
        reason: reason.into(),
        too_large: false,
    }
}

/// One import form as posted.
#[derive(Debug, Default)]
pub(crate) struct Posted {
    /// Every text input (`action`, the text box, `checked`), trimmed.
    fields: Vec<(String, String)>,
    /// The chosen file: its input's name, its file name and its bytes.
    file: Option<(String, String, Vec<u8>)>,
}

impl Posted {
    /// Reads the form, multipart or urlencoded. Refused: a part over [`FILE_LIMIT_BYTES`]
    /// (named by its input), a text input that is not UTF-8 or holds a control character, or a
    /// body that is not a form at all (`form`).
    pub async fn read(req: Request) -> Result<Posted, Refused> {
        let multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            return read_pasted(req).await;
        }
        let mut parts = Multipart::from_request(req, &()).await.map_err(|e| {
            refused(
                "form",
                format!(
                    "The form could not be read ({}): send it again",
                    e.body_text()
                ),
            )
        })?;
        let mut posted = Posted::default();
        loop {
            let next = parts.next_field().await;
            let mut part = match next {
                Ok(Some(part)) => part,
                Ok(None) => break,
                Err(e) => {
                    return Err(refused(
                        "form",
                        format!("The form could not be read ({e}): send it again"),
                    ));
                }
            };
            let name = part.name().unwrap_or_default().to_string();
            let file_name = part.file_name().map(str::to_string);
            let mut bytes = Vec::new();
            loop {
                match part.chunk().await {
                    Ok(Some(chunk)) if bytes.len() + chunk.len() > FILE_LIMIT_BYTES => {
                        return Err(too_large(&name));
                    }
                    Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                    Ok(None) => break,
                    // The body limit is passed part-way through this input.
                    Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large(&name));
                    }
                    Err(e) => {
                        return Err(refused(
                            &name,
                            format!("This could not be read ({e}): send it again"),
                        ));
                    }
                }
            }
            match file_name {
                // No file chosen: the browser sends the input empty and unnamed.
                Some(f) if f.is_empty() && bytes.is_empty() => {}
                Some(f) => posted.file = Some((name, f, bytes)),
                None => {
                    let text = String::from_utf8(bytes)
                        .map_err(|_| refused(&name, "This is not text: send the form again"))?;
                    checked_text(&name, &text)?;
                    posted.fields.push((name, text.trim().to_string()));
                }
            }
        }
        Ok(posted)
    }

    /// The text input's value, trimmed; "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The text to import and the input it came from: the file chosen in `file_input` when
    /// there is one, else what was pasted into `text_input`. Refused, naming `file_input`: a
    /// file that is empty, not UTF-8 text, or holds control characters; `expected` says in the
    /// office's words what to choose instead (e.g. "the .xml file the MIS exported").
    pub fn text(
        &self,
        file_input: &str,
        text_input: &str,
        expected: &str,
    ) -> Result<(String, String), Refused> {
        let Some((name, file_name, bytes)) = self.file.as_ref().filter(|f| f.0 == file_input)
        else {
            return Ok((self.get(text_input).to_string(), text_input.to_string()));
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(refused(
                name,
                format!("{file_name} is empty: choose {expected}"),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            refused(
                name,
                format!("{file_name} is not a text file (UTF-8): choose {expected}"),
            )
        })?;
        if crate::edge::has_control(text, true) {
            return Err(refused(
                name,
                format!("{file_name} holds hidden control characters: choose {expected}"),
            ));
        }
        Ok((text.trim().to_string(), name.clone()))
    }
}

/// The urlencoded form (pasted text): read up to [`FORM_LIMIT_BYTES`], each box checked for
/// control characters and named with the line holding one.
async fn read_pasted(req: Request) -> Result<Posted, Refused> {
    let bytes = axum::body::to_bytes(req.into_body(), FORM_LIMIT_BYTES)
        .await
        .map_err(|_| too_large("form"))?;
    let mut fields = Vec::new();
    for (name, value) in form_urlencoded::parse(&bytes) {
        if crate::edge::has_control(&name, false) {
            return Err(refused("form", "The form could not be read: send it again"));
        }
        checked_text(&name, &value)?;
        fields.push((name.into_owned(), value.trim().to_string()));
    }
    Ok(Posted { fields, file: None })
}

/// Refuses a text box holding a control character (line breaks and tabs are text), naming the
/// box and the line (from 1) it is on, so the office knows where to look.
fn checked_text(name: &str, text: &str) -> Result<(), Refused> {
    match control_line(text) {
        None => Ok(()),
        Some(line) => Err(refused(
            name,
            format!(
                "The pasted text has a control character on line {line}: paste it again from \
                 the original file"
            ),
        )),
    }
}

/// The line (from 1) of the first control character other than a line break or tab.
pub(crate) fn control_line(text: &str) -> Option<usize> {
    text.split('\n')
        .position(|line| {
            line.chars()
                .any(|c| c.is_control() && c != '\r' && c != '\t')
        })
        .map(|i| i + 1)
}

fn too_large(field: &str) -> Refused {
    Refused {
        too_large: true,
        ..refused(
            field,
            format!(
                "This is larger than {} MB, the most an import reads: export the file again for this school only",
                FILE_LIMIT_BYTES / (1024 * 1024)
            ),
        )
    }
}

/// A fingerprint of the text a dry run checked (SHA-256, hex): the page sends it back with
/// "Import", and the import is refused if the text differs from what was checked. Line endings
/// count as one: a browser sends a text box's lines back ended with CR LF (HTML's form rules).
pub(crate) fn fingerprint(text: &str) -> String {
    hex::encode(Sha256::digest(text.trim().replace("\r\n", "\n").as_bytes()))
}
