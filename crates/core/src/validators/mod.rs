//! Validators confirm (or reject) a pattern match with checksums, ranges and layout rules.
//!
//! A validator sees the whole haystack and the candidate span, so it can check the bytes around
//! the match (boundaries a regex cannot express) and narrow the span (an IBAN followed by a
//! stray word). It returns a [`Verdict`] or `None` to reject.

pub(crate) mod checksum;
mod contact;
pub(crate) mod dates;
mod finance;
mod ids;
mod net;
mod secrets;

use std::fmt;
use std::str::FromStr;

/// What a validator decided about a candidate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Verdict {
    pub start: usize,
    pub end: usize,
    /// Overrides the rule's base score (e.g. a weaker layout of the same entity).
    pub score: Option<f32>,
}

impl Verdict {
    pub(crate) fn keep(start: usize, end: usize) -> Option<Verdict> {
        Some(Verdict {
            start,
            end,
            score: None,
        })
    }

    pub(crate) fn scored(start: usize, end: usize, score: f32) -> Option<Verdict> {
        Some(Verdict {
            start,
            end,
            score: Some(score),
        })
    }
}

macro_rules! validators {
    ($( $variant:ident => $name:literal, $func:path, $doc:literal; )*) => {
        /// The built-in validators a rule can name with `validator = "..."`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Validator {
            $( #[doc = $doc] $variant, )*
        }

        impl Validator {
            /// Every validator, in declaration order.
            pub const ALL: &'static [Validator] = &[$(Validator::$variant,)*];

            /// The name used in rule files.
            pub fn name(self) -> &'static str {
                match self { $(Validator::$variant => $name,)* }
            }

            /// One line describing what the validator checks.
            pub fn description(self) -> &'static str {
                match self { $(Validator::$variant => $doc,)* }
            }

            pub(crate) fn check(self, hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
                match self { $(Validator::$variant => $func(hay, start, end),)* }
            }
        }

        impl FromStr for Validator {
            type Err = UnknownValidator;
            fn from_str(s: &str) -> Result<Validator, UnknownValidator> {
                match s {
                    $($name => Ok(Validator::$variant),)*
                    _ => Err(UnknownValidator(s.to_string())),
                }
            }
        }
    };
}

validators! {
    Luhn => "luhn", luhn_only, "Luhn mod-10 check digit over the digits of the match.";
    CreditCard => "credit_card", finance::credit_card, "Card number: Luhn, issuer (IIN) range and the length that issuer uses, consistent grouping.";
    Iban => "iban", finance::iban, "IBAN: country code, that country's length, ISO 7064 mod-97 check digits, consistent case and grouping.";
    AbaRouting => "aba_routing", finance::aba_routing, "US ABA routing number: Federal Reserve prefix and 3-7-1 weighted checksum.";
    Bitcoin => "bitcoin", finance::bitcoin, "Bitcoin address: Base58Check (P2PKH/P2SH) or Bech32/Bech32m (segwit) checksum.";
    Ethereum => "ethereum", finance::ethereum, "Ethereum address: 0x + 40 hex digits, EIP-55 checksum when mixed case.";
    UsSsn => "us_ssn", ids::us_ssn, "US SSN: area (not 000, 666, 9xx), group and serial not zero, known invalid numbers, layout.";
    UsItin => "us_itin", ids::us_itin, "US ITIN: 9xx area with a group in the IRS ITIN ranges.";
    UkNino => "uk_nino", ids::uk_nino, "UK National Insurance number: HMRC prefix rules and A-D suffix.";
    UkNhs => "uk_nhs", ids::uk_nhs, "UK NHS number: mod-11 weighted check digit.";
    CaSin => "ca_sin", ids::ca_sin, "Canadian SIN: Luhn, first digit not 0 or 8.";
    EsNif => "es_nif", ids::es_nif, "Spanish DNI/NIF: control letter (number mod 23).";
    EsNie => "es_nie", ids::es_nie, "Spanish NIE: X/Y/Z prefix and control letter.";
    ItFiscalCode => "it_fiscal_code", ids::it_fiscal_code, "Italian codice fiscale: layout (with omocodia), month letter and check character.";
    InAadhaar => "in_aadhaar", ids::in_aadhaar, "Indian Aadhaar: first digit 2-9, Verhoeff check digit.";
    InPan => "in_pan", ids::in_pan, "Indian PAN: AAAAA9999A with the holder-type letter.";
    AuTfn => "au_tfn", ids::au_tfn, "Australian TFN: weighted mod-11 checksum (8 or 9 digits).";
    AuMedicare => "au_medicare", ids::au_medicare, "Australian Medicare number: first digit 2-6, weighted check digit.";
    SgNric => "sg_nric", ids::sg_nric, "Singapore NRIC/FIN: prefix letter, weighted checksum letter.";
    BrCpf => "br_cpf", ids::br_cpf, "Brazilian CPF: two mod-11 check digits.";
    DeTaxId => "de_tax_id", ids::de_tax_id, "German Steuer-IdNr: digit-repetition rule and ISO 7064 MOD 11,10.";
    FrNir => "fr_nir", ids::fr_nir, "French NIR (social security number): sex, month, department and mod-97 key.";
    UsPassport => "us_passport", ids::us_passport, "US passport number layout (context decides).";
    UsBankAccount => "us_bank_account", ids::us_bank_account, "US bank account number: 8-17 digits, not a repeated digit.";
    UsDriverLicense => "us_driver_license", ids::us_driver_license, "US driver licence layouts (context decides).";
    Imei => "imei", ids::imei, "IMEI: 15 digits with Luhn check digit.";
    Ipv4 => "ipv4", net::ipv4, "IPv4 address (optionally with CIDR prefix): octets 0-255, clean boundaries.";
    Ipv6 => "ipv6", net::ipv6, "IPv6 address (compressed, embedded IPv4, zone, prefix): parsed, clean boundaries.";
    Mac => "mac", net::mac, "MAC address: six octets with one separator style, not all-zero or broadcast.";
    Email => "email", contact::email, "Email address: local part and a domain with a real top-level label.";
    Phone => "phone", contact::phone, "Phone number: E.164 country plans, NANP, and national plans (UK, IE, DE, FR, ES, NL, IN, AU, BR).";
    SpelledEmail => "spelled_email", contact::spelled_email, "Email address said out loud (\"john dot smith at gmail dot com\"): the part before \"at\" is not an ordinary word of a sentence.";
    Url => "url", contact::url, "URL: scored high only with credentials or personal query parameters.";
    GithubToken => "github_token", secrets::github_token, "GitHub token: prefix, length and embedded CRC32 checksum.";
    Jwt => "jwt", secrets::jwt, "JSON Web Token: three base64url segments whose header decodes to JSON with `alg`.";
    SecretValue => "secret_value", secrets::secret_value, "A value after password/token/secret keys: not a placeholder, enough variety.";
    Date => "date", dates::date, "Calendar date (numeric in either day-month order, ISO, or with a month name in English, German, French, Spanish, Dutch, Italian or Portuguese) that exists.";
    BirthDate => "birth_date", dates::birth_date, "A date that exists and can be a customer's birth date: from 1900 up to ten years ago.";
    HighEntropy => "high_entropy", secrets::high_entropy, "A token with enough distinct characters to be a random key.";
}

impl Validator {
    /// The highest score this validator can assign in place of the rule's base score
    /// (`None`: it only keeps the base score or lowers it).
    pub(crate) fn ceiling(self) -> Option<f32> {
        match self {
            Validator::Url => Some(0.9),
            Validator::Phone => Some(0.75),
            Validator::Ethereum => Some(0.6),
            Validator::GithubToken => Some(0.6),
            Validator::SecretValue => Some(0.4),
            Validator::CreditCard => Some(0.4),
            Validator::AuMedicare | Validator::InAadhaar => Some(0.4),
            Validator::UsSsn
            | Validator::UsItin
            | Validator::CaSin
            | Validator::InPan
            | Validator::AuTfn
            | Validator::BrCpf
            | Validator::Imei
            | Validator::AbaRouting
            | Validator::UsDriverLicense => Some(0.3),
            Validator::UsPassport => Some(0.15),
            Validator::Ipv6 => Some(0.1),
            Validator::Ipv4 => Some(0.4),
            _ => None,
        }
    }
}

fn luhn_only(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let digits = Digits::of(&hay[start..end])?;
    checksum::luhn(digits.as_slice()).then_some(())?;
    Verdict::keep(start, end)
}

/// A test on the digit values (0-9, in order) of a match.
pub(crate) type DigitTest = fn(&[u8]) -> bool;

impl Validator {
    /// The test this validator applies to the digits of every match it keeps (their values,
    /// 0-9, in order), for validators whose matches are numbers: it rejects any match whose
    /// digits fail it, whatever its layout. The engine uses it to pass over numbers no rule
    /// could keep before searching for them. `None`: no such test.
    pub(crate) fn digit_test(self) -> Option<DigitTest> {
        Some(match self {
            Validator::Luhn => checksum::luhn,
            Validator::CreditCard => finance::card_digits,
            Validator::AbaRouting => finance::aba_digits,
            Validator::UsBankAccount => ids::bank_account_digits,
            Validator::UsSsn => ids::ssn_digits,
            Validator::UsItin => ids::itin_digits,
            Validator::UkNhs => ids::nhs_digits,
            Validator::CaSin => ids::sin_digits,
            Validator::InAadhaar => ids::aadhaar_digits,
            Validator::AuTfn => ids::tfn_digits,
            Validator::AuMedicare => ids::medicare_digits,
            Validator::BrCpf => ids::cpf_digits,
            Validator::DeTaxId => ids::de_tax_id_digits,
            Validator::Imei => ids::imei_digits,
            _ => return None,
        })
    }
}

/// A validator name that is not one of the built-ins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValidator(pub String);

impl fmt::Display for UnknownValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown validator '{}'", self.0)
    }
}

/// The digit values of a short match, on the stack.
pub(crate) struct Digits {
    buf: [u8; 48],
    len: usize,
}

impl Digits {
    /// Collects the ASCII digits of `s`; `None` when there are more than 48.
    pub(crate) fn of(s: &[u8]) -> Option<Digits> {
        let mut d = Digits {
            buf: [0; 48],
            len: 0,
        };
        for &b in s {
            if b.is_ascii_digit() {
                *d.buf.get_mut(d.len)? = b - b'0';
                d.len += 1;
            }
        }
        Some(d)
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The number formed by digits `range` (at most 18 digits).
    pub(crate) fn num(&self, range: std::ops::Range<usize>) -> u64 {
        number(self.as_slice(), range)
    }

    pub(crate) fn all_same(&self) -> bool {
        all_same(self.as_slice())
    }
}

/// The number formed by the digit values `range` of `s` (at most 18 digits).
pub(crate) fn number(s: &[u8], range: std::ops::Range<usize>) -> u64 {
    s.get(range).unwrap_or(&[]).iter().fold(0u64, |acc, &d| {
        acc.saturating_mul(10).saturating_add(u64::from(d))
    })
}

/// Whether the digit values `s` are one digit repeated.
pub(crate) fn all_same(s: &[u8]) -> bool {
    s.windows(2).all(|w| w[0] == w[1])
}

/// How the non-alphanumeric bytes of a match are laid out.
pub(crate) fn groups(s: &[u8]) -> Groups {
    let mut g = Groups::default();
    let mut run = 0usize;
    for &b in s {
        if b.is_ascii_alphanumeric() {
            run += 1;
        } else {
            if run > 0 {
                g.push(run);
            }
            run = 0;
            match g.sep {
                None => g.sep = Some(b),
                Some(x) if x != b => g.mixed = true,
                _ => {}
            }
        }
    }
    if run > 0 {
        g.push(run);
    }
    g
}

#[derive(Default, Debug)]
pub(crate) struct Groups {
    pub sep: Option<u8>,
    pub mixed: bool,
    lens: [usize; 12],
    n: usize,
}

impl Groups {
    fn push(&mut self, len: usize) {
        if let Some(slot) = self.lens.get_mut(self.n) {
            *slot = len;
        }
        self.n += 1;
    }

    pub(crate) fn lens(&self) -> &[usize] {
        &self.lens[..self.n.min(self.lens.len())]
    }

    /// True when the match is one run, or its groups have exactly these lengths with one
    /// separator style.
    pub(crate) fn is(&self, layout: &[usize]) -> bool {
        !self.mixed && self.lens() == layout
    }

    pub(crate) fn bare(&self) -> bool {
        self.n == 1
    }
}

/// True when the ASCII letters of `m` are all upper case or all lower case.
pub(crate) fn same_case_letters(m: &[u8]) -> bool {
    let mut letters = m.iter().filter(|b| b.is_ascii_alphabetic());
    letters.clone().all(u8::is_ascii_uppercase) || letters.all(u8::is_ascii_lowercase)
}

/// The byte before `start`, if any.
pub(crate) fn before(hay: &[u8], start: usize) -> Option<u8> {
    start.checked_sub(1).and_then(|i| hay.get(i).copied())
}

/// The byte at `end`, if any.
pub(crate) fn after(hay: &[u8], end: usize) -> Option<u8> {
    hay.get(end).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Group lengths of the layouts the number validators know, and some they do not.
    const LAYOUTS: &[&[usize]] = &[
        &[3, 2, 4],
        &[3, 6],
        &[5, 4],
        &[3, 3, 3],
        &[3, 3, 2],
        &[3, 3, 4],
        &[4, 4, 1],
        &[4, 5, 1],
        &[4, 5, 1, 1],
        &[4, 4, 4],
        &[2, 3, 3, 3],
        &[3, 3, 3, 2],
        &[2, 6, 6, 1],
        &[4, 6, 5],
        &[4, 6, 4],
        &[4, 4, 4, 4],
        &[4, 4, 4, 4, 3],
        &[2, 2, 2, 2],
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// A validator's digit test holds for the digits of every match it keeps, in any layout
        /// (the engine skips searches for numbers whose digits fail it).
        #[test]
        fn kept_numbers_pass_their_digit_test(
            layout in proptest::sample::select(LAYOUTS),
            bare in any::<bool>(),
            values in proptest::collection::vec(0u8..10, 19),
            sep in proptest::sample::select(vec![" ", "-", ".", "/"]),
        ) {
            let len: usize = layout.iter().sum();
            let digits = &values[..len];
            let mut text = String::from("no. ");
            let start = text.len();
            let mut at = 0;
            for (k, &g) in layout.iter().enumerate() {
                if k > 0 && !bare {
                    text.push_str(sep);
                }
                text.extend(digits[at..at + g].iter().map(|&d| char::from(b'0' + d)));
                at += g;
            }
            let end = text.len();
            text.push_str(" today");
            for v in Validator::ALL {
                if let Some(test) = v.digit_test() {
                    if v.check(text.as_bytes(), start, end).is_some() {
                        prop_assert!(test(digits), "{} keeps {:?}", v.name(), &text[start..end]);
                    }
                }
            }
        }
    }

    #[test]
    fn digit_tests_take_valid_numbers_and_turn_down_near_misses() {
        let values = |s: &str| -> Vec<u8> { s.bytes().map(|b| b - b'0').collect() };
        let cases = [
            (
                Validator::CreditCard,
                "4111111111111111",
                "4111111111111112",
            ),
            (Validator::AbaRouting, "021000021", "021000022"),
            (Validator::UsSsn, "078051121", "666051121"),
            (Validator::UsItin, "912701234", "912691234"),
            (Validator::UkNhs, "4010232137", "4010232138"),
            (Validator::CaSin, "130692544", "130692545"),
            (Validator::InAadhaar, "312345678909", "312345678908"),
            (Validator::AuTfn, "876543210", "876543211"),
            (Validator::AuMedicare, "2123456701", "2123456700"),
            (Validator::BrCpf, "11144477735", "11144477736"),
            (Validator::DeTaxId, "12345678903", "12345678904"),
            (Validator::Imei, "490154203237518", "490154203237519"),
            (Validator::UsBankAccount, "12345678", "11111111"),
            (Validator::Luhn, "79927398713", "79927398710"),
        ];
        for (v, valid, invalid) in cases {
            let test = v.digit_test().unwrap();
            assert!(test(&values(valid)), "{} {valid}", v.name());
            assert!(!test(&values(invalid)), "{} {invalid}", v.name());
            assert!(
                v.check(valid.as_bytes(), 0, valid.len()).is_some(),
                "{valid}"
            );
        }
        assert!(Validator::Phone.digit_test().is_none());
    }
}
