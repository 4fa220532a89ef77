//! Text a text message can carry: the GSM 03.38 default alphabet ("GSM-7"), a transliteration of
//! everything else into it, and the segment count a gateway bills and a phone reassembles.
//!
//! One character outside GSM-7 (an "ł" in a family name, a curly apostrophe from a pasted
//! instruction) makes the whole message UCS-2: 70 characters a segment instead of 160, and long
//! messages that some gateways cut or drop. So every SMS body goes through [`transliterate`]
//! and is measured with [`segments`]. Letters lose their accents (é→e, ł→l, ş→s, ŵ→w) even
//! where GSM-7 has the accented letter, so a name reads the same on every handset.

use unicode_normalization::UnicodeNormalization;

/// One segment of a message that fits in one: 160 septets.
pub const SINGLE_SEGMENT: usize = 160;
/// Each segment of a concatenated message: 153 septets (the rest is the reassembly header).
pub const CONCATENATED_SEGMENT: usize = 153;

/// The GSM-7 default alphabet (3GPP TS 23.038), one septet each.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: an escape septet plus one, so two septets each.
const EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// How many septets `c` takes in GSM-7, or `None` when GSM-7 cannot carry it.
pub fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Whether every character of `text` is GSM-7 (basic or extension).
pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| septets(c).is_some())
}

/// How many SMS segments `text` takes as GSM-7: 1 up to 160 septets, otherwise segments of 153
/// septets (an extension character is never split across two). `None` when `text` is not
/// GSM-7 (it would go as UCS-2); 0 for an empty text.
pub fn segments(text: &str) -> Option<usize> {
    let mut total = 0;
    for c in text.chars() {
        total += septets(c)?;
    }
    if total <= SINGLE_SEGMENT {
        return Some(usize::from(total > 0));
    }
    let (mut count, mut used) = (1, 0);
    for c in text.chars() {
        let n = septets(c)?;
        if used + n > CONCATENATED_SEGMENT {
            count += 1;
            used = 0;
        }
        used += n;
    }
    Some(count)
}

/// `text` in GSM-7: accented letters lose their accents (é→e, ł→l, ş→s, ŵ→w, ß→ss, æ→ae),
/// typographic punctuation becomes its plain form (’→', “→", –→-, …→...), other spaces become
/// spaces, and anything else that GSM-7 cannot carry becomes "?". Letters GSM-7 has with an
/// accent are plain too, so every name reads alike on every handset.
pub fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && (septets(c).is_some() || c == '\t') {
            out.push(if c == '\t' { ' ' } else { c });
        } else if let Some(plain) = special(c) {
            out.push_str(plain);
        } else if c.is_whitespace() {
            out.push(' ');
        } else {
            // NFD splits "é" into "e" and a combining accent; keep the letters GSM-7 carries.
            let base: String = c.nfd().filter(|d| d.is_ascii_alphanumeric()).collect();
            if base.is_empty() {
                out.push(if septets(c).is_some() { c } else { '?' });
            } else {
                out.push_str(&base);
            }
        }
    }
    out
}

/// Characters NFD does not decompose, or that read better as several letters.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'ł' => "l",
        'Ł' => "L",
        'ø' => "o",
        'Ø' => "O",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ħ' => "h",
        'Ħ' => "H",
        'ı' => "i",
        'ŀ' => "l",
        'Ŀ' => "L",
        'ŋ' => "ng",
        'Ŋ' => "NG",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'þ' => "th",
        'Þ' => "Th",
        '‘' | '’' | '‚' | '‛' | '′' | 'ʼ' | '`' | '´' => "'",
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => "\"",
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => "-",
        '…' => "...",
        '•' | '·' => "-",
        '€' => "EUR",
        '£' => "£",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accented_family_names_become_plain_gsm7() {
        assert_eq!(transliterate("Wąsik-Łukaszewska"), "Wasik-Lukaszewska");
        assert_eq!(transliterate("Şahin Öztürk"), "Sahin Ozturk");
        assert_eq!(
            transliterate("Gwenllian ap Dafydd Ŵyn"),
            "Gwenllian ap Dafydd Wyn"
        );
        assert_eq!(transliterate("Renée Søren Straße"), "Renee Soren Strasse");
        assert_eq!(transliterate("Nguyễn Đức"), "Nguyen Duc");
        assert_eq!(transliterate("O’Neill – “late”…"), "O'Neill - \"late\"...");
        assert_eq!(transliterate("李"), "?");
        for name in [
            "Zoë Brontë",
            "Ciarán Ó Súilleabháin",
            "Dvořák",
            "İpek Çelik",
        ] {
            assert!(is_gsm7(&transliterate(name)), "{name}");
        }
    }

    #[test]
    fn segments_count_septets_as_a_gateway_does() {
        assert_eq!(segments(""), Some(0));
        assert_eq!(segments(&"a".repeat(160)), Some(1));
        assert_eq!(segments(&"a".repeat(161)), Some(2));
        assert_eq!(segments(&"a".repeat(306)), Some(2));
        assert_eq!(segments(&"a".repeat(307)), Some(3));
        assert_eq!(segments(&"a".repeat(459)), Some(3));
        // An extension character takes two septets.
        assert_eq!(segments(&"[".repeat(80)), Some(1));
        assert_eq!(segments(&format!("{}[", "a".repeat(159))), Some(2));
        // ...and is never split across two segments.
        assert_eq!(
            segments(&format!("{}[{}", "a".repeat(152), "a".repeat(152))),
            Some(3)
        );
        assert_eq!(segments("Łukasz"), None, "UCS-2, not GSM-7");
    }
}
