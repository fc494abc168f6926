//! Pseudonymising transcripts before they are shared, archived or coded by others.
//!
//! [`plan::pseudonymise`] finds what identifies people in the texts of the inputs
//! ([`source`]): person names ([`names`], grouped into persons by [`people`]) and numbers
//! and addresses ([`detect`]); it replaces them by typed pseudonyms that are the same for
//! the same person in every file, lists what it cannot decide for review, and records every
//! replacement in a [`key`], with which [`plan::restore`] gives the originals back.
//! Outside the replaced spans the output is the input, character for character.

pub mod detect;
pub mod key;
pub mod names;
pub mod people;
pub mod plan;
pub mod source;

/// What a replaced or reviewed span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// A person's name.
    Person,
    /// A burgerservicenummer (passes the elfproef).
    Bsn,
    /// An IBAN (passes the mod-97 check).
    Iban,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A Dutch postcode.
    Postcode,
    /// A street and house number.
    Address,
    /// A date of birth.
    BirthDate,
    /// A Dutch licence plate.
    Plate,
    /// A passport, ID-card, DigiD, customer or policy number.
    IdNumber,
    /// A URL with a personal part.
    Url,
}

impl Category {
    /// Every category, in the order summaries list them.
    pub const ALL: [Category; 11] = [
        Category::Person,
        Category::Bsn,
        Category::Iban,
        Category::Phone,
        Category::Email,
        Category::Postcode,
        Category::Address,
        Category::BirthDate,
        Category::Plate,
        Category::IdNumber,
        Category::Url,
    ];

    /// The name in key files, review files and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Person => "person",
            Category::Bsn => "bsn",
            Category::Iban => "iban",
            Category::Phone => "phone",
            Category::Email => "email",
            Category::Postcode => "postcode",
            Category::Address => "address",
            Category::BirthDate => "birth-date",
            Category::Plate => "licence-plate",
            Category::IdNumber => "id-number",
            Category::Url => "url",
        }
    }

    /// The category named `name` (as [`Category::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The word in the pseudonym, in Dutch for Dutch documents, else in English.
    pub fn tag(self, language: &str) -> &'static str {
        let dutch = language == "nl";
        match self {
            Category::Person if dutch => "PERSOON",
            Category::Person => "PERSON",
            Category::Bsn => "BSN",
            Category::Iban => "IBAN",
            Category::Phone if dutch => "TELEFOON",
            Category::Phone => "PHONE",
            Category::Email if dutch => "E-MAIL",
            Category::Email => "EMAIL",
            Category::Postcode => "POSTCODE",
            Category::Address if dutch => "ADRES",
            Category::Address => "ADDRESS",
            Category::BirthDate if dutch => "GEBOORTEDATUM",
            Category::BirthDate => "DATE-OF-BIRTH",
            Category::Plate if dutch => "KENTEKEN",
            Category::Plate => "LICENCE-PLATE",
            Category::IdNumber if dutch => "ID-NUMMER",
            Category::IdNumber => "ID-NUMBER",
            Category::Url => "URL",
        }
    }
}

/// How names are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// `[PERSOON-3]` / `[PERSON-3]`.
    #[default]
    Tags,
    /// Made-up names of the same gender and shape (given name, family name).
    Names,
}
