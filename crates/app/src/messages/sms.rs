//! Text messages that fit their channel: GSM-7 only (see [`super::gsm7`]), one segment where the
//! policy's instruction allows, never more than [`MAX_SEGMENTS`]. No child's name and no address:
//! the rung, the staff, the place in a word ("Harton visit, Smith family"), the instruction and
//! a link to the information pack behind sign-in.

use super::gsm7::{segments, transliterate};
use super::{AlarmFacts, ReminderFacts, capitalised};
use domain::monitor::Audience;

/// The most segments an SMS may take: longer messages are cut or dropped by some gateways.
pub const MAX_SEGMENTS: usize = 3;

/// The SMS of an alarm's rung. The compact wording is used when it fits one segment and the full
/// one does not; the policy's instruction is cut (at a word, with "...") only when even that
/// cannot fit [`MAX_SEGMENTS`] — the link leads to all of it.
pub fn alarm(f: &AlarmFacts<'_>) -> String {
    let label = capitalised(f.kind.title_for(f.audience));
    // The compact form keeps the visitors' own words (what to do about their visit) and gives
    // everyone at school the kind's label, so the rung's instruction fits.
    let short = match f.audience {
        Audience::Visitors => label.clone(),
        Audience::Buddy | Audience::Office => capitalised(f.kind.label()),
    };
    let rung = (f.rungs > 1).then(|| (f.rung + 1, f.rungs));
    let full_head = match rung {
        Some((n, of)) => format!("ALARM (step {n} of {of}): {label}."),
        None => format!("ALARM: {label}."),
    };
    let compact_head = match rung {
        Some((n, of)) => format!("ALARM {n}/{of} {short}:"),
        None => format!("ALARM {short}:"),
    };
    let link = f.links.for_alarm(f.kind, f.visit);
    let full = format!(
        "{full_head} {}, {}. {}",
        f.staff.join(" and "),
        f.whereabouts,
        f.instruction
    );
    let compact = format!(
        "{compact_head} {}. {}. {}",
        f.staff
            .iter()
            .map(|s| initialled(s))
            .collect::<Vec<_>>()
            .join(", "),
        f.whereabouts.compact(),
        f.instruction
    );
    best_of(&[
        (full, format!("Details (sign in): {link}")),
        (compact, link),
    ])
}

/// The SMS reminding a visitor that a check-in falls due, with the link to Today.
pub fn reminder(f: &ReminderFacts<'_>) -> String {
    let text = format!(
        "Doorstep: check-in due at {} ({}). Tap I'm OK on Today, or add {} minutes if you need more time.",
        f.due.format("%H:%M"),
        f.whereabouts,
        f.extend_minutes
    );
    let compact = format!(
        "Check-in due {} ({}). Tap I'm OK, or add {} min.",
        f.due.format("%H:%M"),
        f.whereabouts.compact(),
        f.extend_minutes
    );
    let today = f.links.today();
    best_of(&[(text, today.clone()), (compact, today)])
}

/// What stands in for words a text message cannot carry (Arabic, Chinese...): the full text is
/// in Doorstep, where the office typed it.
pub const SEE_DOORSTEP: &str = "(see Doorstep)";

/// Any text as an SMS body (tester C11): the office's own words (an outcome, an update) and every
/// message not written by the templates above. GSM-7 only ([`transliterate`]: "—" → "-", curly
/// quotes → straight, accents dropped); a run of words in a script GSM-7 cannot carry becomes
/// [`SEE_DOORSTEP`] once, rather than "?"s or a UCS-2 message; then cut at a word to fit
/// [`MAX_SEGMENTS`]. A body that is already GSM-7 and fits is left as it is.
pub fn plain(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let plain = transliterate(word);
        // More "?" than the word had: letters with no Latin form were lost.
        let lost = plain.matches('?').count() > word.matches('?').count();
        if !lost {
            words.push(plain);
        } else if words.last().map(String::as_str) != Some(SEE_DOORSTEP) {
            words.push(SEE_DOORSTEP.to_string());
        }
    }
    let body = words.join(" ");
    if segments(&body).is_some_and(|n| n <= MAX_SEGMENTS) {
        return body;
    }
    cut_to_fit(&body, "")
}

/// "Ann Teacher" → "A Teacher": the given names as initials, the family name whole.
fn initialled(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.split_last() {
        Some((last, given)) if !given.is_empty() => {
            let initials: String = given.iter().filter_map(|w| w.chars().next()).collect();
            format!("{initials} {last}")
        }
        _ => name.trim().to_string(),
    }
}

/// Of the wordings `(text, tail)` in order of preference: the first that fits one segment; else
/// the first that fits [`MAX_SEGMENTS`]; else the last with its text cut to fit. The tail (the
/// link) is never cut.
fn best_of(wordings: &[(String, String)]) -> String {
    let bodies: Vec<String> = wordings
        .iter()
        .map(|(text, tail)| join(&transliterate(text), &transliterate(tail)))
        .collect();
    let fits = |max: usize| {
        bodies
            .iter()
            .find(|b| segments(b).is_some_and(|n| n <= max))
            .cloned()
    };
    if let Some(one) = fits(1).or_else(|| fits(MAX_SEGMENTS)) {
        return one;
    }
    let (text, tail) = wordings.last().cloned().unwrap_or_default();
    cut_to_fit(&transliterate(&text), &transliterate(&tail))
}

fn join(text: &str, tail: &str) -> String {
    match (text.trim().is_empty(), tail.is_empty()) {
        (_, true) => text.trim().to_string(),
        (true, false) => tail.to_string(),
        (false, false) => format!("{} {tail}", text.trim()),
    }
}

/// Drops words from the end of `text` (marking the cut with "...") until text and tail fit.
fn cut_to_fit(text: &str, tail: &str) -> String {
    let fits = |body: &str| segments(body).is_some_and(|n| n <= MAX_SEGMENTS);
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while !words.is_empty() {
        words.pop();
        let body = join(&format!("{}...", words.join(" ")), tail);
        if fits(&body) {
            return body;
        }
    }
    // Only a tail longer than three segments gets here (a public URL of 400 characters).
    tail.chars().take(MAX_SEGMENTS * 150).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_cut_at_a_word_and_keeps_its_link() {
        let text = "word ".repeat(200);
        let body = best_of(&[(text, "https://doorstep.example.org/visits/7/pack".into())]);
        assert!(segments(&body).is_some_and(|n| n <= MAX_SEGMENTS), "{body}");
        assert!(body.ends_with("word... https://doorstep.example.org/visits/7/pack"));
    }

    #[test]
    fn typed_text_becomes_gsm7_and_other_scripts_point_to_doorstep() {
        assert_eq!(
            plain("Resolved by Olive Office: staff safe — “fine”, café"),
            "Resolved by Olive Office: staff safe - \"fine\", cafe"
        );
        assert_eq!(
            plain("Outcome: تم الاتصال بالموظفين now"),
            "Outcome: (see Doorstep) now"
        );
        let long = plain(&"Łukasz ".repeat(200));
        assert!(segments(&long).is_some_and(|n| n <= MAX_SEGMENTS), "{long}");
        assert_eq!(plain("Is she safe?"), "Is she safe?");
    }

    #[test]
    fn given_names_become_initials() {
        assert_eq!(initialled("Ann Teacher"), "A Teacher");
        assert_eq!(initialled("Mary Jane Wąsik"), "MJ Wąsik");
        assert_eq!(initialled("Cher"), "Cher");
    }
}
