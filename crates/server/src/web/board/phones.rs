//! Whom the office phones, from a visit out now: the visitors' and the buddy's mobiles as `tel:`
//! links. On the board's list of everyone out each person is named once, their number beside
//! their name; an alarm lists them all under "Phone now".

use app::board::OutNow;

/// A person to phone: "Tess Teacher (visiting): 07700 900001" as a `tel:` link.
pub struct Phone {
    pub who: String,
    pub role: &'static str,
    pub number: String,
    /// The number for a `tel:` link: digits and a leading +, nothing else.
    pub tel: String,
}

impl Phone {
    fn new(who: &str, role: &'static str, number: &str) -> Self {
        Phone {
            who: who.to_string(),
            role,
            number: number.to_string(),
            tel: number
                .chars()
                .enumerate()
                .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
                .map(|(_, c)| c)
                .collect(),
        }
    }
}

/// One visitor on the list of everyone out: the name, and the mobile when one is on record.
pub struct Visitor {
    pub name: String,
    pub phone: Option<Phone>,
}

/// The visitors of a visit out now, each once, in the visit's order.
pub fn visitors(o: &OutNow) -> Vec<Visitor> {
    o.staff
        .iter()
        .enumerate()
        .map(|(i, name)| Visitor {
            name: name.clone(),
            phone: o
                .staff_mobiles
                .get(i)
                .map(|m| m.trim())
                .filter(|m| !m.is_empty())
                .map(|m| Phone::new(name, "visiting", m)),
        })
        .collect()
}

/// The buddy's mobile, when the visit has a buddy on site with one on record.
pub fn buddy(o: &OutNow) -> Option<Phone> {
    match (&o.buddy, &o.buddy_mobile) {
        (Some(b), Some(m)) if !m.is_blank() => Some(Phone::new(b, "buddy", m.as_str())),
        _ => None,
    }
}

/// The visitors' and buddy's mobiles of a visit out now; people with no mobile on record are
/// left out (the board's delivery lines say who could not be reached).
pub fn all(o: &OutNow) -> Vec<Phone> {
    visitors(o)
        .into_iter()
        .filter_map(|v| v.phone)
        .chain(buddy(o))
        .collect()
}
