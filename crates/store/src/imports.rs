//! What an import from the MIS reads and writes: the school's pupils by UPN, its households by
//! import key, and the contacts an earlier import wrote (with their phones by type). Rows typed
//! into Doorstep (caution flags, blocks, notes, adults added by hand) are never written here.

use crate::db::{Result, Tx, with_tx};
use crate::stored::StoredText;
use chrono::{DateTime, NaiveDate, Utc};
use domain::inputs::{PhoneNumber, Postcode};
use domain::recorded::Recorded;
use domain::{HouseholdId, HouseholdMemberId, PupilId, SchoolId};

/// A pupil of the school as an import compares it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportedPupil {
    pub id: i64,
    pub household_id: i64,
    pub upn: Option<String>,
    pub mis_id: Option<String>,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub year_group: Option<String>,
    pub left_at: Option<DateTime<Utc>>,
}

/// A household of the school as an import compares it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportedHousehold {
    pub id: i64,
    pub import_key: Option<String>,
    pub family_name: String,
    pub address: String,
    #[sqlx(try_from = "crate::stored::StoredText<Recorded<Postcode>>")]
    pub postcode: Recorded<Postcode>,
}

/// A contact an earlier import wrote, with its phones as "kind number" in priority order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportedContact {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    pub relationship: String,
    pub parental_responsibility: bool,
    pub contact_order: Option<i64>,
    pub email: Option<String>,
    #[sqlx(skip)]
    pub phones: Vec<(String, Recorded<PhoneNumber>)>,
}

/// A pupil as the import writes it.
pub struct PupilFromMis<'a> {
    pub household: HouseholdId,
    pub upn: &'a str,
    pub mis_id: Option<&'a str>,
    pub name: &'a str,
    pub date_of_birth: NaiveDate,
    pub year_group: Option<&'a str>,
}

/// A contact as the import writes it; `phones` are (kind, number) in the MIS's order.
pub struct ContactFromMis<'a> {
    pub name: &'a str,
    pub relationship: &'a str,
    pub parental_responsibility: bool,
    pub lives_at_address: bool,
    pub contact_order: i64,
    pub email: Option<&'a str>,
    pub phones: &'a [(String, PhoneNumber)],
}

impl Tx {
    /// Every pupil of the school, left or not.
    pub async fn pupils_for_import(&mut self, school: SchoolId) -> Result<Vec<ImportedPupil>> {
        const Q: &str = "select id, household_id, upn, mis_id, name, date_of_birth, year_group, left_at \
                         from pupils where school_id = $1 order by id";
        Ok(with_tx!(self, c => sqlx::query_as(Q).bind(school.0).fetch_all(c).await)?)
    }

    pub async fn households_for_import(
        &mut self,
        school: SchoolId,
    ) -> Result<Vec<ImportedHousehold>> {
        const Q: &str = "select id, import_key, family_name, address, postcode from households \
                         where school_id = $1 order by id";
        Ok(with_tx!(self, c => sqlx::query_as(Q).bind(school.0).fetch_all(c).await)?)
    }

    /// The contacts earlier imports wrote to the school's households, phones included.
    pub async fn contacts_for_import(&mut self, school: SchoolId) -> Result<Vec<ImportedContact>> {
        const Q: &str = "select m.id, m.household_id, m.name, m.relationship, m.parental_responsibility, \
                         m.contact_order, m.email from household_members m join households h on h.id = m.household_id \
                         where h.school_id = $1 and m.imported = $2 order by m.id";
        const PHONES: &str = "select p.member_id, p.kind, p.number from member_phones p \
                              join household_members m on m.id = p.member_id join households h on h.id = m.household_id \
                              where h.school_id = $1 order by p.member_id, p.position";
        let mut contacts: Vec<ImportedContact> =
            with_tx!(self, c => sqlx::query_as(Q).bind(school.0).bind(true).fetch_all(c).await)?;
        let phones: Vec<(i64, String, StoredText<Recorded<PhoneNumber>>)> =
            with_tx!(self, c => sqlx::query_as(PHONES).bind(school.0).fetch_all(c).await)?;
        let by_id: std::collections::HashMap<i64, usize> = contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        for (member, kind, number) in phones {
            if let Some(i) = by_id.get(&member) {
                contacts[*i].phones.push((kind, number.into()));
            }
        }
        Ok(contacts)
    }

    pub async fn insert_pupil_from_mis(
        &mut self,
        school: SchoolId,
        p: &PupilFromMis<'_>,
    ) -> Result<PupilId> {
        const Q: &str = "insert into pupils (school_id, household_id, upn, mis_id, name, date_of_birth, year_group) \
                         values ($1, $2, $3, $4, $5, $6, $7) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q).bind(school.0).bind(p.household.0).bind(p.upn)
            .bind(p.mis_id).bind(p.name).bind(p.date_of_birth).bind(p.year_group).fetch_one(c).await)?;
        Ok(PupilId(id))
    }

    /// Writes what the MIS holds and clears `left_at` (a pupil back on roll). Height, and
    /// everything recorded about the pupil in Doorstep, stays as it was.
    pub async fn update_pupil_from_mis(&mut self, id: PupilId, p: &PupilFromMis<'_>) -> Result<()> {
        const Q: &str = "update pupils set household_id = $1, upn = $2, mis_id = $3, name = $4, date_of_birth = $5, \
                         year_group = $6, left_at = null where id = $7";
        with_tx!(self, c => sqlx::query(Q).bind(p.household.0).bind(p.upn).bind(p.mis_id).bind(p.name)
            .bind(p.date_of_birth).bind(p.year_group).bind(id.0).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn mark_pupil_left(&mut self, id: PupilId, now: DateTime<Utc>) -> Result<()> {
        const Q: &str = "update pupils set left_at = $1 where id = $2";
        with_tx!(self, c => sqlx::query(Q).bind(now).bind(id.0).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Sets the household's import key and the address the MIS holds; nothing else of it.
    pub async fn set_household_from_mis(
        &mut self,
        id: HouseholdId,
        import_key: &str,
        address: &str,
        postcode: &str,
    ) -> Result<()> {
        const Q: &str =
            "update households set import_key = $1, address = $2, postcode = $3 where id = $4";
        with_tx!(self, c => sqlx::query(Q).bind(import_key).bind(address).bind(postcode).bind(id.0).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_contact_from_mis(
        &mut self,
        household: HouseholdId,
        m: &ContactFromMis<'_>,
    ) -> Result<HouseholdMemberId> {
        const Q: &str = "insert into household_members (household_id, name, relationship, parental_responsibility, \
                         lives_at_address, phone, email, imported, contact_order) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id";
        let first = m.phones.first().map(|(_, n)| n.as_str());
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q).bind(household.0).bind(m.name).bind(m.relationship)
            .bind(m.parental_responsibility).bind(m.lives_at_address).bind(first).bind(m.email).bind(true)
            .bind(m.contact_order).fetch_one(c).await)?;
        let id = HouseholdMemberId(id);
        self.write_phones(id, m.phones).await?;
        Ok(id)
    }

    pub async fn update_contact_from_mis(
        &mut self,
        id: HouseholdMemberId,
        m: &ContactFromMis<'_>,
    ) -> Result<()> {
        const Q: &str = "update household_members set relationship = $1, parental_responsibility = $2, phone = $3, \
                         email = $4, contact_order = $5 where id = $6 and imported = $7";
        const CLEAR: &str = "delete from member_phones where member_id = $1";
        let first = m.phones.first().map(|(_, n)| n.as_str());
        with_tx!(self, c => sqlx::query(Q).bind(m.relationship).bind(m.parental_responsibility).bind(first)
            .bind(m.email).bind(m.contact_order).bind(id.0).bind(true).execute(c).await.map(|_| ()))?;
        with_tx!(self, c => sqlx::query(CLEAR).bind(id.0).execute(c).await.map(|_| ()))?;
        self.write_phones(id, m.phones).await
    }

    async fn write_phones(
        &mut self,
        member: HouseholdMemberId,
        phones: &[(String, PhoneNumber)],
    ) -> Result<()> {
        const Q: &str =
            "insert into member_phones (member_id, kind, number, position) values ($1, $2, $3, $4)";
        for (i, (kind, number)) in phones.iter().enumerate() {
            let position = i64::try_from(i).unwrap_or(i64::MAX);
            with_tx!(self, c => sqlx::query(Q).bind(member.0).bind(kind).bind(number.as_str()).bind(position).execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }
}

impl crate::Db {
    /// A household member's phones as (kind, number), in the MIS's priority order; each number
    /// checked, or as stored when typed before the parser was stricter.
    pub async fn member_phones(
        &self,
        member: HouseholdMemberId,
    ) -> Result<Vec<(String, Recorded<PhoneNumber>)>> {
        const Q: &str =
            "select kind, number from member_phones where member_id = $1 order by position";
        let rows: Vec<(String, StoredText<Recorded<PhoneNumber>>)> =
            crate::db::with_pool!(self, p => sqlx::query_as(Q).bind(member.0).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(k, n)| (k, n.into())).collect())
    }

    /// The pupil's UPN and when they left the roll (`None`: on roll).
    pub async fn pupil_roll_status(
        &self,
        pupil: PupilId,
    ) -> Result<(Option<String>, Option<DateTime<Utc>>)> {
        const Q: &str = "select upn, left_at from pupils where id = $1";
        Ok(crate::db::with_pool!(self, p => sqlx::query_as(Q).bind(pupil.0).fetch_one(p).await)?)
    }

    /// The MIS's own id for the pupil (the CTF's `ApplicationReference`), if an import gave one.
    pub async fn pupil_mis_id(&self, pupil: PupilId) -> Result<Option<String>> {
        const Q: &str = "select mis_id from pupils where id = $1";
        Ok(
            crate::db::with_pool!(self, p => sqlx::query_scalar(Q).bind(pupil.0).fetch_one(p).await)?,
        )
    }
}
