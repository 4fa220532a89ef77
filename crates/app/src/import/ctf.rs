//! Reading a DfE Common Transfer File (CTF) into pupils with their address, phones, e-mail and
//! contacts. Element names follow the DfE CTF specification (CTF 20: `CTfile/Header`,
//! `CTFpupilData/Pupil` with `UPN`, `Surname`, `Forename`, `DOB`, `NCyearActual`, `Address`
//! (`BS7666Address` or `AddressLines`, `PostCode`), `Phones/Phone` (`TelephoneType`, `PhoneNo`),
//! `Email`, `Contacts/Contact` (`Order`, `Title`, `Surname`, `Forename`, `Relationship`,
//! `Responsibility`, `Phones`, `Email`, `Address`)). Elements Doorstep does not use are skipped.
//! The pupil's `ApplicationReference` (the sending system's own reference for the pupil, among
//! the pupil identifiers next to the UPN) is kept as the MIS id, so a pupil whose UPN changes
//! (a temporary UPN replaced by the permanent one) is still recognised. Contacts carry no
//! identifier in the CTF, so they are matched by name within the household.
//!
//! A pupil with any element that cannot be read is not imported at all (nothing half-written)
//! and is reported with the element's path and the reason.

mod xml;

use chrono::NaiveDate;
use domain::inputs::{self, PhoneNumber, Postcode};
use domain::{FieldError, Upn};
use xml::{CtFile, XAddress, XContact, XPhones, XPupil};

/// A home address: its lines joined with ", " and its postcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub lines: String,
    pub postcode: Postcode,
}

/// A contact of a pupil, in the MIS's priority order.
#[derive(Debug, Clone)]
pub struct Contact {
    pub order: i64,
    /// Title, forename and surname as the MIS holds them.
    pub name: String,
    pub relationship: String,
    pub parental_responsibility: bool,
    /// (kind, number), kind in words: "home", "mobile", "work"…
    pub phones: Vec<(String, PhoneNumber)>,
    pub email: Option<String>,
    /// `None`: the contact lives at the pupil's address.
    pub address: Option<Address>,
}

/// A pupil read whole from the file.
#[derive(Debug, Clone)]
pub struct CtfPupil {
    pub upn: Upn,
    /// The MIS's own reference for the pupil (`ApplicationReference`), when the file has one.
    pub mis_id: Option<String>,
    pub name: String,
    pub surname: String,
    pub date_of_birth: NaiveDate,
    pub year_group: Option<String>,
    pub address: Address,
    pub phones: Vec<(String, PhoneNumber)>,
    pub contacts: Vec<Contact>,
}

/// An element that could not be read: its path in the file and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub element: String,
    pub reason: String,
}

/// What a file holds: the pupils read whole, each unreadable pupil with the element at fault,
/// the UPN and MIS id text of every pupil element (readable or not, so an unreadable pupil is
/// never marked as left), and whether it is a full file (`DocumentQualifier` "full").
pub struct CtfFile {
    pub full: bool,
    pub pupils: Vec<CtfPupil>,
    pub problems: Vec<Problem>,
    pub upns_seen: Vec<String>,
    pub mis_ids_seen: Vec<String>,
}

/// Reads a CTF. Errors: a `Problem` naming `CTfile` when the text is not a CTF at all (not
/// XML, or no `CTFpupilData`). `today` bounds dates of birth.
pub fn read(xml: &str, today: NaiveDate) -> Result<CtfFile, Problem> {
    // A byte-order mark at the start of the file is stripped, not refused.
    let xml = domain::text::without_bom(xml);
    // quick-xml's own words ("unexpected `Event::Eof`") mean nothing to a school office.
    let file: CtFile = quick_xml::de::from_str(xml).map_err(|e| Problem {
        element: "CTfile".into(),
        reason: if xml.trim().is_empty() || e.to_string().contains("Eof") {
            "is empty or stops before its end: export the Common Transfer File from the MIS again"
                .into()
        } else {
            "is not a Common Transfer File the MIS exported: choose the .xml file it wrote".into()
        },
    })?;
    let data = file.data.ok_or_else(|| Problem {
        element: "CTfile/CTFpupilData".into(),
        reason: "is missing: the file holds no pupils".into(),
    })?;
    let full = file
        .header
        .and_then(|h| h.qualifier)
        .is_some_and(|q| q.trim().eq_ignore_ascii_case("full"));
    let mut out = CtfFile {
        full,
        pupils: Vec::new(),
        problems: Vec::new(),
        upns_seen: Vec::new(),
        mis_ids_seen: Vec::new(),
    };
    for (i, p) in data.pupils.iter().enumerate() {
        let at = format!("CTFpupilData/Pupil[{}]", i + 1);
        if let Some(upn) = &p.upn {
            out.upns_seen.push(upn.trim().to_ascii_uppercase());
        }
        if let Some(id) = mis_id(p) {
            out.mis_ids_seen.push(id);
        }
        match pupil(&at, p, today) {
            Ok(pupil) => out.pupils.push(pupil),
            Err(e) => out.problems.push(Problem {
                element: e.field,
                reason: e.reason,
            }),
        }
    }
    Ok(out)
}

fn mis_id(p: &XPupil) -> Option<String> {
    p.application_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

fn required(at: &str, name: &str, v: &Option<String>) -> Result<String, FieldError> {
    inputs::text(&format!("{at}/{name}"), v.as_deref().unwrap_or(""), 200)
}

fn pupil(at: &str, p: &XPupil, today: NaiveDate) -> Result<CtfPupil, FieldError> {
    let upn = Upn::parse(&format!("{at}/UPN"), p.upn.as_deref().unwrap_or(""))?;
    let surname = required(at, "Surname", &p.surname)?;
    let forename = required(at, "Forename", &p.forename)?;
    let dob_at = format!("{at}/DOB");
    let raw = p.dob.as_deref().unwrap_or("").trim();
    let date_of_birth = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| FieldError::new(&dob_at, format!("'{raw}' is not a date (YYYY-MM-DD)")))?;
    let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(date_of_birth);
    if date_of_birth > today || date_of_birth < earliest {
        return Err(FieldError::new(
            dob_at,
            format!("{raw} is not a pupil's date of birth"),
        ));
    }
    let address_at = format!("{at}/Address");
    let address = match &p.address {
        Some(a) => address(&address_at, a)?,
        None => {
            return Err(FieldError::new(
                address_at,
                "is missing: a home visit needs the pupil's address",
            ));
        }
    };
    let phones = phones(&format!("{at}/Phones"), p.phones.as_ref())?;
    if let Some(e) = p.email.as_deref().filter(|e| !e.trim().is_empty()) {
        inputs::email(&format!("{at}/Email"), e)?;
    }
    let mut contacts = Vec::new();
    let list = p
        .contacts
        .as_ref()
        .map(|c| c.contacts.as_slice())
        .unwrap_or(&[]);
    for (i, c) in list.iter().enumerate() {
        contacts.push(contact(&format!("{at}/Contacts/Contact[{}]", i + 1), c, i)?);
    }
    contacts.sort_by_key(|c| c.order);
    let year_group = p
        .nc_year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
        .map(|y| match y {
            "R" => "Reception".to_string(),
            "N1" | "N2" => "Nursery".to_string(),
            y if y.chars().all(|c| c.is_ascii_digit()) => format!("Year {y}"),
            y => y.to_string(),
        });
    let mis_id = match mis_id(p) {
        Some(r) => Some(inputs::text(
            &format!("{at}/ApplicationReference"),
            &r,
            100,
        )?),
        None => None,
    };
    Ok(CtfPupil {
        upn,
        mis_id,
        name: format!("{forename} {surname}"),
        surname,
        date_of_birth,
        year_group,
        address,
        phones,
        contacts,
    })
}

fn address(at: &str, a: &XAddress) -> Result<Address, FieldError> {
    let mut lines: Vec<String> = Vec::new();
    let mut postcode = a.post_code.clone();
    if let Some(b) = &a.bs7666 {
        let first = [b.saon.as_deref(), b.paon.as_deref(), b.street.as_deref()];
        let first: Vec<&str> = first
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        lines.push(first.join(" "));
        for l in [&b.locality, &b.town, &b.post_town].into_iter().flatten() {
            lines.push(l.trim().to_string());
        }
        postcode = postcode.or_else(|| b.post_code.clone());
    } else if let Some(l) = &a.address_lines {
        for l in [&l.l1, &l.l2, &l.l3, &l.l4, &l.l5].into_iter().flatten() {
            lines.push(l.trim().to_string());
        }
    }
    lines.retain(|l| !l.is_empty());
    lines.dedup();
    if lines.is_empty() {
        return Err(FieldError::new(
            at,
            "has no address lines (BS7666Address or AddressLines)",
        ));
    }
    let postcode = Postcode::parse(&format!("{at}/PostCode"), postcode.as_deref().unwrap_or(""))?;
    Ok(Address {
        lines: lines.join(", "),
        postcode,
    })
}

/// CTF telephone types (CBDS): H home, M mobile, W work, F fax, D daytime, E evening,
/// A alternative.
fn phone_kind(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "H" => "home",
        "M" => "mobile",
        "W" => "work",
        "F" => "fax",
        "D" => "daytime",
        "E" => "evening",
        "A" => "alternative",
        _ => return None,
    })
}

fn phones(at: &str, p: Option<&XPhones>) -> Result<Vec<(String, PhoneNumber)>, FieldError> {
    let mut out = Vec::new();
    for (i, ph) in p
        .map(|p| p.phones.as_slice())
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let here = format!("{at}/Phone[{}]", i + 1);
        let code = ph.telephone_type.as_deref().unwrap_or("");
        let kind = phone_kind(code).ok_or_else(|| {
            FieldError::new(
                format!("{here}/TelephoneType"),
                format!("'{code}' is not a telephone type (H, M, W, F, D, E or A)"),
            )
        })?;
        let number = PhoneNumber::parse(
            &format!("{here}/PhoneNo"),
            ph.phone_no.as_deref().unwrap_or(""),
        )?;
        out.push((kind.to_string(), number));
    }
    Ok(out)
}

/// CTF relationship codes in words; a code Doorstep does not know is kept as the MIS wrote it.
fn relationship(code: &str) -> String {
    match code.trim().to_ascii_uppercase().as_str() {
        "PAR" => "parent",
        "CAR" => "carer",
        "FOF" => "foster father",
        "FOM" => "foster mother",
        "STF" => "step-father",
        "STM" => "step-mother",
        "GRF" => "grandfather",
        "GRM" => "grandmother",
        "REL" => "other relative",
        "FAM" => "other family member",
        "CHM" => "childminder",
        "SWR" => "social worker",
        "DOC" => "doctor",
        "OTH" => "other contact",
        _ => return code.trim().to_string(),
    }
    .to_string()
}

fn contact(at: &str, c: &XContact, position: usize) -> Result<Contact, FieldError> {
    let surname = required(at, "Surname", &c.surname)?;
    let forename = required(at, "Forename", &c.forename)?;
    let order = match c.order.as_deref().map(str::trim) {
        None | Some("") => i64::try_from(position + 1).unwrap_or(i64::MAX),
        Some(o) => o.parse::<i64>().ok().filter(|o| *o > 0).ok_or_else(|| {
            FieldError::new(
                format!("{at}/Order"),
                format!("'{o}' is not a priority order (1, 2, 3…)"),
            )
        })?,
    };
    let parental_responsibility = match c.responsibility.as_deref().map(str::trim) {
        Some("true" | "1") => true,
        None | Some("" | "false" | "0") => false,
        Some(other) => {
            return Err(FieldError::new(
                format!("{at}/Responsibility"),
                format!("'{other}' is neither true nor false"),
            ));
        }
    };
    let email = match c.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(inputs::email(&format!("{at}/Email"), e)?),
        None => None,
    };
    let address = match &c.address {
        Some(a) => Some(address(&format!("{at}/Address"), a)?),
        None => None,
    };
    let title = c.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    Ok(Contact {
        order,
        name: match title {
            Some(t) => format!("{t} {forename} {surname}"),
            None => format!("{forename} {surname}"),
        },
        relationship: relationship(c.relationship.as_deref().unwrap_or("OTH")),
        parental_responsibility,
        phones: phones(&format!("{at}/Phones"), c.phones.as_ref())?,
        email,
        address,
    })
}
