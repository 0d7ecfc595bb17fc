//! Deterministic generator of labelled support text: chat transcripts, helpdesk tickets, agent
//! notes and application logs, full of personal data and of look-alike decoys (order numbers,
//! tracking ids, timestamps, prices, ticket ids, versions).
//!
//! The `redactyl-corpus-gen` binary writes the project's corpora; benches call
//! [`bench_text`] directly.
//!
//! Every value with a checksum is generated valid (Luhn, mod-97, SSA rules), so a detector
//! cannot score by rejecting the fakes. The dev and test splits use different seeds, and some
//! template branches (refund IBANs in chats, SSNs in notes, NINOs in tickets) appear only in the
//! test split, so tuning on dev cannot see every layout the test split holds.

#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::io::Write as _;

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    fn upper(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'A' + self.below(26) as u8))
            .collect()
    }
    fn chars_from(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n).map(|_| char::from(*self.pick(alphabet))).collect()
    }
}

/// Text with labelled spans (UTF-8 byte offsets).
#[derive(Default)]
struct Doc {
    text: String,
    spans: Vec<(usize, usize, &'static str)>,
}

impl Doc {
    fn t(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    fn e(&mut self, label: &'static str, s: &str) -> &mut Self {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push((start, self.text.len(), label));
        self
    }
}

const FIRST: &[&str] = &[
    "Maria", "James", "Aisha", "Liam", "Sofia", "Chen", "Olivia", "Mateo", "Priya", "Noah", "Emma",
    "Lukas", "Chloé", "Diego", "Fatima", "Sean", "Ingrid", "Kenji", "Amara", "Pieter",
];
const LAST: &[&str] = &[
    "Garcia",
    "Smith",
    "Okafor",
    "Murphy",
    "Rossi",
    "Nguyen",
    "Schmidt",
    "Dubois",
    "Patel",
    "van der Berg",
    "O'Brien",
    "Kowalski",
    "Fernández",
    "Johnson",
    "Tanaka",
    "Müller",
    "Silva",
    "Andersen",
    "Walsh",
    "Haddad",
];
const AGENTS: &[&str] = &["Tom", "Lena", "Ravi", "Grace", "Marco", "Yuki"];

const CUSTOMER_SAYS: &[&str] = &[
    "I've been trying to sort this out for over a week now and nobody has gotten back to me.",
    "The package was marked as delivered but it's not at my door and my neighbours haven't seen it either.",
    "Honestly I'm pretty frustrated, this is the second time this has happened with your service.",
    "Can you tell me why I was charged before the item even shipped?",
    "I tried resetting my password but the link in the email just says it has expired.",
    "The app keeps logging me out every time I switch to another screen.",
    "I'd like to cancel the subscription, I don't use it anymore and I didn't agree to the renewal.",
    "The item arrived damaged, the box was crushed and one of the legs is snapped off.",
    "Is there any way to change the delivery address? I'm moving next week.",
    "I was told on the phone yesterday that someone would call me back within the hour, but no one did.",
    "It says my account is locked for security reasons, what does that mean?",
    "I just want a refund, I don't want store credit or a replacement.",
    "The size chart on the website is completely off, the shoes are way too small.",
    "My order shows two of the same item but I only wanted one.",
    "Thanks, that's really helpful. Sorry for being short earlier, it's been a long day.",
    "Could you also check whether the discount code was applied? The total looks higher than it should.",
];

const AGENT_SAYS: &[&str] = &[
    "I'm really sorry to hear that, let me look into it for you right away.",
    "Thanks for your patience while I check this with our warehouse team.",
    "I completely understand how frustrating that must be.",
    "I can see the order on my side, give me a moment to pull up the shipping details.",
    "For security reasons I'll need to verify a couple of details before I can make changes to the account.",
    "I've escalated this to our logistics team and flagged it as a priority.",
    "You should receive a confirmation email within the next few minutes.",
    "Is there anything else I can help you with today?",
    "I've gone ahead and cancelled the renewal, you won't be charged again.",
    "Our records show the courier attempted delivery but couldn't get access to the building.",
    "I've added a note to your account so anyone you speak to next will have the full history.",
    "Unfortunately I'm not able to change the address once the parcel has left the depot.",
];

const TICKET_BODY: &[&str] = &[
    "I ordered a set of kitchen chairs for my mother and the delivery was supposed to arrive on Saturday.",
    "Nobody showed up and the tracking page hasn't updated since Thursday.",
    "When I called the courier they told me to contact you instead, which is why I'm writing.",
    "I've attached photos of the damage so you can see what I mean.",
    "I would appreciate it if someone could get back to me by email rather than phone, as I'm at work during the day.",
    "I've been a customer for years and I've never had a problem like this before.",
    "Please let me know what information you need from me to process this.",
    "The product description said it was compatible with my model but it clearly isn't.",
    "I followed all the steps in the help article and it still doesn't work.",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "proton.me",
    "icloud.com",
    "web.de",
    "example-corp.com",
    "orange.fr",
    "hotmail.es",
];

fn luhn_complete(body: &str) -> String {
    let mut sum = 0u32;
    for (i, c) in body.bytes().rev().enumerate() {
        let mut v = u32::from(c - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn card(r: &mut Rng) -> String {
    let (prefix, len): (&str, usize) = *r.pick(&[
        ("4", 16),
        ("4", 16),
        ("51", 16),
        ("55", 16),
        ("2221", 16),
        ("34", 15),
        ("37", 15),
        ("6011", 16),
        ("3530", 16),
    ]);
    let body = format!("{prefix}{}", r.digits(len - prefix.len() - 1));
    let n = luhn_complete(&body);
    match (r.below(3), len) {
        (0, _) => n,
        (_, 15) => format!("{} {} {}", &n[..4], &n[4..10], &n[10..]),
        (k, _) => {
            let sep = if k == 1 { " " } else { "-" };
            format!(
                "{}{sep}{}{sep}{}{sep}{}",
                &n[..4],
                &n[4..8],
                &n[8..12],
                &n[12..]
            )
        }
    }
}

fn ssn(r: &mut Rng) -> String {
    let area = loop {
        let a = r.range(1, 899);
        if a != 666 {
            break a;
        }
    };
    let (g, s) = (r.range(1, 99), r.range(1, 9999));
    if r.chance(85) {
        format!("{area:03}-{g:02}-{s:04}")
    } else {
        format!("{area:03} {g:02} {s:04}")
    }
}

fn iban(r: &mut Rng) -> String {
    let (cc, bban) = match r.below(6) {
        0 => ("GB", format!("{}{}", r.upper(4), r.digits(14))),
        1 => ("DE", r.digits(18)),
        2 => (
            "FR",
            format!("{}{}{}", r.digits(10), r.digits(11), r.digits(2)),
        ),
        3 => ("NL", format!("{}{}", r.upper(4), r.digits(10))),
        4 => ("ES", r.digits(20)),
        _ => ("IE", format!("{}{}", r.upper(4), r.digits(14))),
    };
    // Check digits: 98 - (BBAN + CC + "00") mod 97, letters as 10..35.
    let mut rem = 0u32;
    for c in format!("{bban}{cc}00").bytes() {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    let compact = format!("{cc}{:02}{bban}", 98 - rem);
    if r.chance(50) {
        compact
    } else {
        let chunks: Vec<String> = compact
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        chunks.join(" ")
    }
}

fn phone(r: &mut Rng) -> String {
    let area = r.range(201, 989);
    let exch = r.range(200, 989);
    let line = r.range(0, 9999);
    match r.below(14) {
        0 => format!("({area}) {exch}-{line:04}"),
        1 | 2 => format!("{area}-{exch}-{line:04}"),
        3 => format!("{area}.{exch}.{line:04}"),
        4 => format!("+1 {area} {exch} {line:04}"),
        5 => format!("+44 20 7946 {:04}", r.range(0, 9999)),
        6 => format!("07700 9{:05}", r.range(0, 99999)),
        7 => format!("+49 30 {}", r.digits(8)),
        8 => format!(
            "06 {} {} {} {}",
            r.digits(2),
            r.digits(2),
            r.digits(2),
            r.digits(2)
        ),
        9 => format!("+353 87 {} {}", r.digits(3), r.digits(4)),
        10 => format!("+34 6{} {} {}", r.digits(2), r.digits(3), r.digits(3)),
        11 => format!("+91 9{} {}", r.digits(4), r.digits(5)),
        12 => format!("0412 {} {}", r.digits(3), r.digits(3)),
        _ => format!("+55 11 9{} {}", r.digits(4), r.digits(4)),
    }
}

fn email(r: &mut Rng, first: &str, last: &str) -> String {
    let ascii = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphabetic)
            .collect::<String>()
            .to_lowercase()
    };
    let (f, l) = (ascii(first), ascii(last));
    let d = r.pick(DOMAINS);
    match r.below(4) {
        0 => format!("{f}.{l}@{d}"),
        1 => format!("{}{l}{}@{d}", &f[..1], r.range(1, 99)),
        2 => format!("{f}_{l}+orders@{d}"),
        _ => format!("{l}.{f}{}@{d}", r.range(70, 99)),
    }
}

fn ipv4(r: &mut Rng) -> String {
    format!(
        "{}.{}.{}.{}",
        r.range(11, 223),
        r.range(0, 255),
        r.range(0, 255),
        r.range(1, 254)
    )
}

fn ipv6(r: &mut Rng) -> String {
    let g: Vec<String> = (0..4)
        .map(|_| format!("{:x}", r.range(1, 0xffff)))
        .collect();
    format!("2001:db8:{}:{}::{}:{}", g[0], g[1], g[2], g[3])
}

fn nino(r: &mut Rng) -> String {
    let first = *r.pick(b"ABCEGHJKLMNOPRSTWXY");
    let second = *r.pick(b"ABCEGHJKLMNPRSTWXY");
    let suffix = *r.pick(b"ABCD");
    let d = r.digits(6);
    format!(
        "{}{} {} {} {} {}",
        char::from(first),
        char::from(second),
        &d[..2],
        &d[2..4],
        &d[4..],
        char::from(suffix)
    )
}

fn mac(r: &mut Rng) -> String {
    let b: Vec<String> = (0..6).map(|_| format!("{:02X}", r.range(1, 254))).collect();
    b.join(":")
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn secret(r: &mut Rng, d: &mut Doc) {
    match r.below(4) {
        0 => {
            d.t("AWS_ACCESS_KEY_ID=");
            let k = format!("AKIA{}", r.chars_from(16, B32));
            d.e("SECRET", &k);
        }
        1 => {
            d.t("db password: ");
            let p = format!(
                "{}{}!{}",
                r.chars_from(5, B62),
                r.digits(2),
                r.chars_from(3, B62)
            );
            d.e("SECRET", &p);
        }
        2 => {
            d.t("Authorization: Bearer ");
            let t = format!("{}.{}", r.chars_from(24, B62), r.chars_from(18, B62));
            d.e("SECRET", &t);
        }
        _ => {
            d.t("api_key=");
            let k = format!("sk_live_{}", r.chars_from(24, B62));
            d.e("SECRET", &k);
        }
    }
}

// ---- decoys: numbers that look like PII and are not ----

fn order_no(r: &mut Rng) -> String {
    match r.below(5) {
        0 => format!("#{}", r.range(100_000, 999_999)),
        1 => format!("{}-{}-{}", r.digits(3), r.digits(7), r.digits(7)),
        2 => format!("ORD-{}-{}", r.range(2019, 2025), r.digits(6)),
        3 => format!("A{}", r.digits(8)),
        _ => r.digits(10),
    }
}

fn tracking(r: &mut Rng) -> String {
    match r.below(3) {
        0 => format!("1Z{}{}", r.chars_from(6, B62).to_uppercase(), r.digits(10)),
        1 => format!(
            "9400 1{} {} {} {} {}",
            r.digits(3),
            r.digits(4),
            r.digits(4),
            r.digits(4),
            r.digits(2)
        ),
        _ => r.digits(12),
    }
}

fn price(r: &mut Rng) -> String {
    match r.below(3) {
        0 => format!("${}.{:02}", r.range(5, 2999), r.range(0, 99)),
        1 => format!("€{},{:02}", r.range(5, 999), r.range(0, 99)),
        _ => format!("£{}.{:02}", r.range(5, 999), r.range(0, 99)),
    }
}

fn date(r: &mut Rng) -> String {
    let (y, m, d) = (r.range(2019, 2025), r.range(1, 12), r.range(1, 28));
    match r.below(3) {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{m:02}/{d:02}/{y}"),
        _ => format!("{d:02}.{m:02}.{y}"),
    }
}

fn clock(r: &mut Rng) -> String {
    format!("{:02}:{:02}", r.range(8, 19), r.range(0, 59))
}

fn name(r: &mut Rng, d: &mut Doc) -> (String, String) {
    let (f, l) = (r.pick(FIRST).to_string(), r.pick(LAST).to_string());
    d.e("PERSON", &format!("{f} {l}"));
    (f, l)
}

/// The start of an agent's turn: "[10:02] Agent Lena: " (the agent's name is a PERSON).
fn agent_turn(r: &mut Rng, d: &mut Doc, agent: &str) {
    let _ = write!(d.text, "[{}] Agent ", clock(r));
    d.e("PERSON", agent);
    d.t(": ");
}

/// A few lines of conversation without personal data (but the agent's name).
fn small_talk(r: &mut Rng, d: &mut Doc, agent: &str) {
    for _ in 0..r.range(1, 3) {
        let _ = writeln!(d.text, "[{}] Customer: {}", clock(r), r.pick(CUSTOMER_SAYS));
        agent_turn(r, d, agent);
        let line = *r.pick(AGENT_SAYS);
        d.t(line);
        d.t("\n");
    }
}

fn chat(r: &mut Rng, d: &mut Doc, held_out: bool) {
    let agent = *r.pick(AGENTS);
    let (f, l) = (r.pick(FIRST).to_string(), r.pick(LAST).to_string());
    agent_turn(r, d, agent);
    let _ = write!(
        d.text,
        "Hi, thanks for contacting support. Who am I speaking with?\n[{}] Customer: this is ",
        clock(r)
    );
    d.e("PERSON", &format!("{f} {l}"));
    d.t(&format!(", order {} never arrived\n", order_no(r)));
    small_talk(r, d, agent);
    agent_turn(r, d, agent);
    let _ = write!(d.text, "Sorry about that! Tracking shows {} was last scanned on {}. Can you confirm the email on the account?\n[{}] Customer: ", tracking(r), date(r), clock(r));
    d.e("EMAIL_ADDRESS", &email(r, &f, &l));
    d.t("\n");
    if r.chance(60) {
        let _ = write!(
            d.text,
            "[{}] Customer: and you can call me back on ",
            clock(r)
        );
        d.e("PHONE_NUMBER", &phone(r));
        d.t(" after 5pm\n");
    }
    small_talk(r, d, agent);
    if r.chance(40) {
        let _ = write!(
            d.text,
            "[{}] Customer: I was charged {} twice on my card ",
            clock(r),
            price(r)
        );
        d.e("CREDIT_CARD", &card(r));
        d.t("\n");
    }
    if held_out && r.chance(50) {
        let _ = write!(d.text, "[{}] Customer: the refund can go to ", clock(r));
        d.e("IBAN_CODE", &iban(r));
        d.t(" instead, ticket ref TCK-");
        d.t(&r.digits(6));
        d.t("\n");
    }
    agent_turn(r, d, agent);
    let _ = writeln!(
        d.text,
        "Done, I've issued a refund of {} (ref {}). Anything else?",
        price(r),
        r.digits(9)
    );
}

fn ticket(r: &mut Rng, d: &mut Doc, held_out: bool) {
    let id = r.range(10_000, 99_999);
    let _ = write!(
        d.text,
        "Ticket #{id} | Priority: {} | Created: {}T{}:{:02}Z\nFrom: ",
        r.pick(&["Low", "Normal", "High", "Urgent"]),
        date_iso(r),
        clock(r),
        r.range(0, 59)
    );
    let (f, l) = name(r, d);
    d.t(" <");
    d.e("EMAIL_ADDRESS", &email(r, &f, &l));
    let _ = write!(
        d.text,
        ">\nSubject: Refund for order {} (invoice INV-{}-{})\n\n",
        order_no(r),
        r.range(2020, 2025),
        r.digits(5)
    );
    d.t("Hello, I returned the item on ");
    d.t(&date(r));
    d.t(" and still have not received my refund of ");
    d.t(&price(r));
    d.t(". ");
    for _ in 0..r.range(2, 4) {
        let sentence: &str = r.pick::<&str>(TICKET_BODY);
        d.t(sentence);
        d.t(" ");
    }
    match r.below(if held_out { 4 } else { 3 }) {
        0 => {
            d.t("Please refund to my account, IBAN ");
            d.e("IBAN_CODE", &iban(r));
            d.t(".");
        }
        1 => {
            d.t("The card used was ");
            d.e("CREDIT_CARD", &card(r));
            d.t(", expiring 0");
            d.t(&r.range(1, 9).to_string());
            d.t("/2");
            d.t(&r.range(6, 9).to_string());
            d.t(".");
        }
        2 => {
            d.t("For the tax form they asked for my SSN, it is ");
            d.e("US_SSN", &ssn(r));
            d.t(".");
        }
        _ => {
            d.t("My national insurance number is ");
            d.e("UK_NINO", &nino(r));
            d.t(" if you need it for the claim.");
        }
    }
    d.t("\nYou can reach me at ");
    d.e("PHONE_NUMBER", &phone(r));
    let _ = write!(
        d.text,
        ".\n\nApp version {}.{}.{}, build {}\n",
        r.range(1, 9),
        r.range(0, 20),
        r.range(0, 99),
        r.digits(8)
    );
}

fn date_iso(r: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        r.range(2019, 2025),
        r.range(1, 12),
        r.range(1, 28)
    )
}

fn note(r: &mut Rng, d: &mut Doc, held_out: bool) {
    let _ = write!(d.text, "Agent note {} {}: spoke with ", date(r), clock(r));
    let (f, l) = name(r, d);
    d.t(", verified identity. Callback number ");
    d.e("PHONE_NUMBER", &phone(r));
    let _ = write!(
        d.text,
        ". {} Replacement for order {} shipped, tracking {}, {} credited.",
        r.pick(CUSTOMER_SAYS),
        order_no(r),
        tracking(r),
        price(r)
    );
    if r.chance(50) {
        d.t(" Customer email updated to ");
        d.e("EMAIL_ADDRESS", &email(r, &f, &l));
        d.t(".");
    }
    if r.chance(35) {
        d.t(" Router MAC ");
        d.e("MAC_ADDRESS", &mac(r));
        d.t(" reset remotely.");
    }
    if held_out && r.chance(40) {
        d.t(" SSN on file ");
        d.e("US_SSN", &ssn(r));
        d.t(" matched.");
    }
    d.t("\n");
}

fn log(r: &mut Rng, d: &mut Doc, _held_out: bool) {
    for _ in 0..r.range(2, 4) {
        let _ = write!(
            d.text,
            "{}T{}:{:02}.{:03}Z ",
            date_iso(r),
            clock(r),
            r.range(0, 59),
            r.range(0, 999)
        );
        match r.below(4) {
            0 => {
                d.t("INFO login ok user=");
                let (f, l) = (r.pick(FIRST).to_string(), r.pick(LAST).to_string());
                d.e("EMAIL_ADDRESS", &email(r, &f, &l));
                d.t(" ip=");
                if r.chance(80) {
                    d.e("IP_ADDRESS", &ipv4(r));
                } else {
                    d.e("IP_ADDRESS", &ipv6(r));
                }
                let _ = writeln!(d.text, " latency_ms={}", r.range(3, 900));
            }
            1 => {
                let _ = writeln!(
                    d.text,
                    "WARN retry {}/{} for job {} (v{}.{}.{})",
                    r.range(1, 3),
                    3,
                    r.digits(7),
                    r.range(1, 4),
                    r.range(0, 9),
                    r.range(0, 9)
                );
            }
            2 => {
                d.t("ERROR config dump: ");
                secret(r, d);
                d.t("\n");
            }
            _ => {
                let _ = writeln!(
                    d.text,
                    "DEBUG cart total={} items={} session={}",
                    price(r),
                    r.range(1, 9),
                    r.chars_from(12, B62).to_lowercase()
                );
            }
        }
    }
}

const US_STREETS: &[&str] = &[
    "Maple",
    "Oak",
    "Cedar",
    "Elm",
    "Washington",
    "Lincoln",
    "Lakeview",
    "Sunset",
    "Hillcrest",
    "Park",
    "Highland",
    "Willow",
    "River",
    "Church",
    "Mill",
    "Spring",
    "Jackson",
    "Franklin",
    "Meadow Brook",
    "Old Farm",
    "Martin Luther King Jr",
];
const US_SUFFIX: &[&str] = &[
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Road",
    "Rd",
    "Drive",
    "Dr",
    "Lane",
    "Ln",
    "Boulevard",
    "Blvd",
    "Court",
    "Ct",
    "Place",
    "Way",
    "Terrace",
    "Circle",
    "Parkway",
];
const US_CITIES: &[(&str, &str)] = &[
    ("Springfield", "IL"),
    ("Austin", "TX"),
    ("Portland", "OR"),
    ("Columbus", "OH"),
    ("San Diego", "CA"),
    ("Raleigh", "NC"),
    ("Denver", "CO"),
    ("Boston", "MA"),
    ("St. Louis", "MO"),
    ("Tampa", "FL"),
    ("Brooklyn", "NY"),
    ("Madison", "WI"),
];
const UK_STREETS: &[&str] = &[
    "Station", "High", "Victoria", "Mill", "Queens", "Kingsway", "Manor", "Chapel", "Albert",
    "Priory", "Beech", "Orchard",
];
const UK_SUFFIX: &[&str] = &[
    "Road", "Street", "Lane", "Close", "Gardens", "Avenue", "Crescent", "Grove", "Mews",
];
const UK_TOWNS: &[(&str, &str)] = &[
    ("London", "SE1 7PB"),
    ("Manchester", "M14 5RT"),
    ("Leeds", "LS6 2AB"),
    ("Bristol", "BS8 1TH"),
    ("Glasgow", "G12 8QQ"),
    ("Cardiff", "CF10 3AT"),
    ("Norwich", "NR2 4PD"),
];
const DE_STREETS: &[&str] = &[
    "Haupt", "Bahnhof", "Garten", "Schiller", "Goethe", "Linden", "Berg", "Kirch", "Wald",
    "Mühlen", "Rosen",
];
const DE_CITIES: &[(&str, &str)] = &[
    ("10115", "Berlin"),
    ("80331", "München"),
    ("50667", "Köln"),
    ("20095", "Hamburg"),
    ("70173", "Stuttgart"),
    ("04109", "Leipzig"),
];
const FR_STREETS: &[&str] = &[
    "rue de la Paix",
    "rue Victor Hugo",
    "avenue Jean Jaurès",
    "boulevard Voltaire",
    "rue du Moulin",
    "place de la République",
    "chemin des Vignes",
    "rue Pasteur",
];
const FR_CITIES: &[(&str, &str)] = &[
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
    ("44000", "Nantes"),
];
const ES_STREETS: &[&str] = &[
    "Calle Mayor",
    "Calle de Alcalá",
    "Avenida de la Constitución",
    "Calle Real",
    "Paseo de Gracia",
    "Calle del Sol",
    "Avenida Diagonal",
];
const ES_CITIES: &[(&str, &str)] = &[
    ("28013", "Madrid"),
    ("08007", "Barcelona"),
    ("41001", "Sevilla"),
    ("46002", "Valencia"),
];
const NL_STREETS: &[&str] = &[
    "Keizersgracht",
    "Kalverstraat",
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
    "Molenlaan",
    "Beukenlaan",
];
const NL_CITIES: &[(&str, &str)] = &[
    ("1015 CJ", "Amsterdam"),
    ("3511 LX", "Utrecht"),
    ("2511 BT", "Den Haag"),
    ("3011 AD", "Rotterdam"),
];
const IE_STREETS: &[&str] = &[
    "Main Street",
    "Church Road",
    "Harbour View",
    "Strand Road",
    "Patrick Street",
    "Green Lane",
];
const IE_PLACES: &[&str] = &[
    "Dublin 4, D04 K7W2",
    "Dublin 8, D08 YX29",
    "Cork, T12 R2NC",
    "Co. Galway, H91 E2KX",
    "Limerick, V94 T9PX",
];

/// A street address in one of the layouts of its country. The test split alone has Dutch and
/// Irish addresses and US addresses with a unit.
fn address(r: &mut Rng, held_out: bool) -> String {
    let n = r.range(1, 2400);
    let small = r.range(1, 140);
    match r.below(if held_out { 7 } else { 5 }) {
        0 => {
            let (city, st) = *r.pick(US_CITIES);
            let street = format!("{n} {} {}", r.pick(US_STREETS), r.pick(US_SUFFIX));
            let unit = if held_out && r.chance(40) {
                format!(
                    ", {} {}{}",
                    r.pick(&["Apt", "Apt.", "Suite", "Unit"]),
                    r.range(1, 40),
                    r.pick(&["", "B", "C"])
                )
            } else {
                String::new()
            };
            match r.below(3) {
                0 => street,
                1 => format!("{street}{unit}, {city}, {st} {}", r.digits(5)),
                _ => format!(
                    "{street}{unit}, {city}, {st} {}-{}",
                    r.digits(5),
                    r.digits(4)
                ),
            }
        }
        1 => {
            let (town, pc) = *r.pick(UK_TOWNS);
            let street = format!("{small} {} {}", r.pick(UK_STREETS), r.pick(UK_SUFFIX));
            if r.chance(50) {
                format!("{street}, {town} {pc}")
            } else {
                format!("{street}\n{town}\n{pc}")
            }
        }
        2 => {
            let (plz, city) = *r.pick(DE_CITIES);
            let street = match r.below(3) {
                0 => format!("{}straße {small}", r.pick(DE_STREETS)),
                1 => format!(
                    "{}str. {small}{}",
                    r.pick(DE_STREETS),
                    r.pick(&["", "a", "b"])
                ),
                _ => format!("{}weg {small}", r.pick(DE_STREETS)),
            };
            format!("{street}, {plz} {city}")
        }
        3 => {
            let (cp, city) = *r.pick(FR_CITIES);
            format!("{small} {}, {cp} {city}", r.pick(FR_STREETS))
        }
        4 => {
            let (cp, city) = *r.pick(ES_CITIES);
            let floor = if r.chance(50) {
                format!(
                    ", {}º {}",
                    r.range(1, 8),
                    r.pick(&["A", "B", "C", "izq", "dcha"])
                )
            } else {
                String::new()
            };
            format!("{} {small}{floor}, {cp} {city}", r.pick(ES_STREETS))
        }
        5 => {
            let (pc, city) = *r.pick(NL_CITIES);
            format!("{} {small}, {pc} {city}", r.pick(NL_STREETS))
        }
        _ => format!("{small} {}, {}", r.pick(IE_STREETS), r.pick(IE_PLACES)),
    }
}

const MONTHS_EN: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A birth date in one of the layouts people type.
fn birth_date(r: &mut Rng) -> String {
    let (y, m, d) = (r.range(1938, 2004), r.range(1, 12), r.range(1, 28));
    let month = MONTHS_EN[(m - 1) as usize];
    match r.below(7) {
        0 => format!("{m:02}/{d:02}/{y}"),
        1 => format!("{d}/{m}/{y}"),
        2 => format!("{y}-{m:02}-{d:02}"),
        3 => format!("{month} {d}, {y}"),
        4 => format!("{d} {month} {y}"),
        5 => format!("{d:02}.{m:02}.{y}"),
        _ => format!("{m}/{d}/{:02}", y % 100),
    }
}

const DIGIT_WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Digits said out loud: one word per digit, "oh" for some zeros, "double"/"triple" for
/// repeats, a group left as digits now and then; groups separated by spaces or commas.
fn speak_digits(r: &mut Rng, groups: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    for g in groups {
        if r.chance(12) {
            out.push((*g).to_string());
            continue;
        }
        let b = g.as_bytes();
        let mut words: Vec<String> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let d = usize::from(b[i] - b'0');
            let run = b[i..].iter().take_while(|&&c| c == b[i]).count().min(3);
            let word = if d == 0 && r.chance(60) {
                "oh"
            } else {
                DIGIT_WORDS[d]
            };
            if run >= 2 && r.chance(70) {
                let k = if run == 3 { "triple" } else { "double" };
                words.push(format!("{k} {word}"));
                i += run;
            } else {
                words.push(word.to_string());
                i += 1;
            }
        }
        out.push(words.join(" "));
    }
    let sep = if r.chance(30) { ", " } else { " " };
    out.join(sep)
}

fn spoken_phone(r: &mut Rng) -> String {
    let area = format!("{}{}{}", r.range(2, 9), r.range(0, 8), r.range(0, 9));
    let exch = format!("{}{}", r.range(2, 9), r.digits(2));
    let line = r.digits(4);
    if r.chance(25) {
        let mobile = format!("07{}", r.digits(3));
        let rest = r.digits(6);
        speak_digits(r, &[&mobile, &rest])
    } else {
        speak_digits(r, &[&area, &exch, &line])
    }
}

fn spelled_email(r: &mut Rng, first: &str, last: &str) -> String {
    let (f, l) = (first.to_lowercase(), last.to_lowercase());
    let domain = match r.below(4) {
        0 => "gmail dot com",
        1 => "outlook dot com",
        2 => "yahoo dot co dot uk",
        _ => "icloud.com",
    };
    match r.below(4) {
        0 => format!("{f} dot {l} at {domain}"),
        1 => format!("{f} underscore {l} at {domain}"),
        2 => {
            let letters: Vec<String> = f.chars().map(String::from).collect();
            format!("{} at {domain}", letters.join(" "))
        }
        _ => format!("{f}{l} at {domain}"),
    }
}

/// A call transcript as a speech recogniser writes it: lower case, no punctuation, numbers
/// said as words.
fn call(r: &mut Rng, d: &mut Doc, held_out: bool) {
    let agent = r.pick(AGENTS).to_lowercase();
    let (f, l) = loop {
        let (f, l) = (r.pick(FIRST).to_string(), r.pick(LAST).to_string());
        if f.is_ascii() && l.chars().all(|c| c.is_ascii_alphabetic()) {
            break (f.to_lowercase(), l.to_lowercase());
        }
    };
    d.t("agent: thank you for calling customer care my name is ");
    d.e("PERSON", &agent);
    d.t(" who am i speaking with\ncustomer: hi yeah my name is ");
    d.e("PERSON", &format!("{f} {l}"));
    let _ = writeln!(
        d.text,
        " i'm calling about an order i placed like {} weeks ago",
        r.pick(&["two", "three", "four"])
    );
    d.t("agent: i'm sorry to hear that can i get the order number\ncustomer: yeah the order number is ");
    let order = r.digits(9);
    let spoken_order = speak_digits(r, &[&order[..3], &order[3..6], &order[6..]]);
    d.t(&spoken_order);
    d.t("\nagent: thank you and for verification can you confirm your date of birth\ncustomer: sure it's ");
    let (y, m, day) = (r.range(1940, 2003), r.range(1, 12), r.range(1, 28));
    let month = MONTHS_EN[(m - 1) as usize].to_lowercase();
    let dob = if r.chance(50) {
        format!("{month} {day} {y}")
    } else {
        format!("{m}/{day}/{y}")
    };
    d.e("DATE_OF_BIRTH", &dob);
    d.t("\nagent: perfect and what's the best number to reach you on\ncustomer: it's ");
    d.e("PHONE_NUMBER", &spoken_phone(r));
    d.t("\nagent: and the email on the account\ncustomer: ");
    d.e("EMAIL_ADDRESS", &spelled_email(r, &f, &l));
    d.t("\n");
    if r.chance(50) {
        d.t("agent: can you confirm the delivery address\ncustomer: yeah it's ");
        let n = r.range(2, 980);
        let street = r.pick(US_STREETS).to_lowercase();
        let suffix = r.pick(&["street", "avenue", "road", "lane", "drive", "court"]);
        d.e("STREET_ADDRESS", &format!("{n} {street} {suffix}"));
        d.t(" apartment is fine they can leave it at the door\n");
    }
    if r.chance(40) {
        d.t("agent: i can put the replacement on the card on file or a new card\ncustomer: new card please it's ");
        let c: String = card(r).chars().filter(char::is_ascii_digit).collect();
        let groups: Vec<&str> = if c.len() == 15 {
            vec![&c[..4], &c[4..10], &c[10..]]
        } else {
            vec![&c[..4], &c[4..8], &c[8..12], &c[12..]]
        };
        d.e("CREDIT_CARD", &speak_digits(r, &groups));
        d.t("\n");
    }
    if held_out && r.chance(30) {
        d.t("agent: for the tax form i'll need your social security number\ncustomer: okay it's ");
        let s: String = ssn(r).chars().filter(char::is_ascii_digit).collect();
        d.e("US_SSN", &speak_digits(r, &[&s[..3], &s[3..5], &s[5..]]));
        d.t("\n");
    }
    let _ = writeln!(
        d.text,
        "agent: alright i've sent the replacement it should arrive in {} to {} business days is there anything else\ncustomer: no that's it thanks {}",
        r.pick(&["three", "five", "seven"]),
        r.pick(&["five", "seven", "ten"]),
        agent
    );
    let last = d.text.len() - 1 - agent.len();
    d.spans.push((last, last + agent.len(), "PERSON"));
}

/// An account change by e-mail: a new address, a birth date for verification, and dates
/// that are not birth dates.
fn account_update(r: &mut Rng, d: &mut Doc, held_out: bool) {
    d.t("Subject: Update my details\n\nHello,\n\nI moved last month, please change the delivery address on my account to ");
    d.e("STREET_ADDRESS", &address(r, held_out));
    d.t(". ");
    match r.below(3) {
        0 => {
            d.t("For verification my date of birth is ");
            d.e("DATE_OF_BIRTH", &birth_date(r));
            d.t(".");
        }
        1 => {
            d.t("DOB: ");
            d.e("DATE_OF_BIRTH", &birth_date(r));
            d.t(".");
        }
        _ => {
            d.t("I was born on ");
            d.e("DATE_OF_BIRTH", &birth_date(r));
            d.t(", if you need it to find the account.");
        }
    }
    let _ = write!(
        d.text,
        " My last order {} was placed on {} and the subscription renews on {}.",
        order_no(r),
        date(r),
        date(r)
    );
    if r.chance(30) {
        d.t(" The old address was ");
        d.e("STREET_ADDRESS", &address(r, held_out));
        d.t(".");
    }
    d.t("\n\nThanks,\n");
    let (f, l) = (r.pick(FIRST).to_string(), r.pick(LAST).to_string());
    d.e("PERSON", &format!("{f} {l}"));
    d.t("\n");
}

type Template = fn(&mut Rng, &mut Doc, bool);
/// Support exports are mostly conversations and tickets; application logs are a minority.
const TEMPLATES: &[Template] = &[
    chat,
    chat,
    chat,
    ticket,
    ticket,
    note,
    note,
    log,
    call,
    account_update,
];

fn record(r: &mut Rng, held_out: bool) -> Doc {
    let mut d = Doc::default();
    let t = r.pick(TEMPLATES);
    t(r, &mut d, held_out);
    d
}

/// Writes `records` labelled records of the `dev` or `test` split as JSON Lines to `out`.
///
/// # Errors
/// On an unknown split or when `out` cannot be written.
pub fn write_corpus(split: &str, records: usize, out: &str) -> std::io::Result<()> {
    let (seed, held_out) = match split {
        "dev" => (0xD5_u64, false),
        "test" => (0x7E57_u64, true),
        other => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("unknown split '{other}' (dev or test)"),
            ))
        }
    };
    let mut r = Rng(seed);
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    for i in 0..records {
        let d = record(&mut r, held_out);
        let spans: Vec<serde_json::Value> = d
            .spans
            .iter()
            .map(|&(s, e, l)| serde_json::json!({"start": s, "end": e, "label": l}))
            .collect();
        let line = serde_json::json!({
            "id": format!("support-{split}-{i:05}"),
            "corpus": "redactyl_support",
            "split": split,
            "text": d.text,
            "spans": spans,
        });
        writeln!(f, "{line}")?;
    }
    f.flush()
}

/// About `bytes` bytes of unlabelled support text (documents separated by blank lines), the
/// same for every call.
pub fn bench_text(bytes: usize) -> String {
    let mut r = Rng(0xBE7C);
    let mut out = String::with_capacity(bytes + 4096);
    while out.len() < bytes {
        let held_out = r.chance(50);
        let d = record(&mut r, held_out);
        out.push_str(&d.text);
        out.push('\n');
    }
    out
}
