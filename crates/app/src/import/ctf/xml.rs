//! The CTF's elements as the file spells them (DfE CTF specification: `CTfile/Header`,
//! `CTFpupilData/Pupil`, `Address`, `Phones`, `Contacts`), read by serde with every element
//! optional; the parent module turns them into checked pupils and names the element at fault.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub(super) struct CtFile {
    #[serde(rename = "Header", default)]
    pub(super) header: Option<Header>,
    #[serde(rename = "CTFpupilData", default)]
    pub(super) data: Option<PupilData>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct Header {
    /// "full" or "partial" (CTF specification, message header).
    #[serde(rename = "DocumentQualifier", default)]
    pub(super) qualifier: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct PupilData {
    #[serde(rename = "Pupil", default)]
    pub(super) pupils: Vec<XPupil>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct XPupil {
    #[serde(rename = "UPN")]
    pub(super) upn: Option<String>,
    pub(super) application_reference: Option<String>,
    pub(super) surname: Option<String>,
    pub(super) forename: Option<String>,
    #[serde(rename = "DOB")]
    pub(super) dob: Option<String>,
    #[serde(rename = "NCyearActual")]
    pub(super) nc_year: Option<String>,
    pub(super) address: Option<XAddress>,
    pub(super) phones: Option<XPhones>,
    pub(super) email: Option<String>,
    pub(super) contacts: Option<XContacts>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(super) struct XAddress {
    #[serde(rename = "BS7666Address")]
    pub(super) bs7666: Option<Bs7666>,
    pub(super) address_lines: Option<AddressLines>,
    pub(super) post_code: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Bs7666 {
    #[serde(rename = "SAON")]
    pub(super) saon: Option<String>,
    #[serde(rename = "PAON")]
    pub(super) paon: Option<String>,
    pub(super) street: Option<String>,
    pub(super) locality: Option<String>,
    pub(super) town: Option<String>,
    pub(super) post_town: Option<String>,
    pub(super) post_code: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub(super) struct AddressLines {
    #[serde(rename = "AddressLine1")]
    pub(super) l1: Option<String>,
    #[serde(rename = "AddressLine2")]
    pub(super) l2: Option<String>,
    #[serde(rename = "AddressLine3")]
    pub(super) l3: Option<String>,
    #[serde(rename = "AddressLine4")]
    pub(super) l4: Option<String>,
    #[serde(rename = "AddressLine5")]
    pub(super) l5: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct XPhones {
    #[serde(rename = "Phone", default)]
    pub(super) phones: Vec<XPhone>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct XPhone {
    pub(super) telephone_type: Option<String>,
    pub(super) phone_no: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct XContacts {
    #[serde(rename = "Contact", default)]
    pub(super) contacts: Vec<XContact>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct XContact {
    pub(super) order: Option<String>,
    pub(super) title: Option<String>,
    pub(super) surname: Option<String>,
    pub(super) forename: Option<String>,
    pub(super) relationship: Option<String>,
    pub(super) responsibility: Option<String>,
    pub(super) phones: Option<XPhones>,
    pub(super) email: Option<String>,
    pub(super) address: Option<XAddress>,
}
