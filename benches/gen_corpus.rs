//! A deterministic corpus of realistic privacy notices for the throughput
//! benchmark (`scripts/bench.sh`), with known findings injected and
//! recorded, so the benchmark also checks that they are still found.
//!
//!     cargo run --release --example gen_corpus -- --out DIR --count N [--seed S] [--size BYTES]
//!     cargo run --release --example gen_corpus -- verify DIR SELOSTE_OUTPUT.json
//!
//! Half the notices are HTML pages with site chrome (head with scripts and
//! styles, cookie banner, header, nav, sidebar, footer), a quarter Markdown
//! (front matter, `##` headings), a quarter plain text (standalone
//! headings); about 10 % are Swedish and 5 % English. Each is built by
//! recombining section templates (several wordings for each GDPR element,
//! randomly filled with company names, cities, valid business IDs, emails)
//! until it reaches about `--size` bytes (default 9,000).
//!
//! Injected into chosen notices, and written to `DIR/expected.json`:
//! - the repealed Personal Data Act, as plain text, as
//!   `henkil&ouml;tietolain` (HTML entity), with a soft hyphen
//!   (`henkilö&shy;tietolain` / U+00AD), or in Swedish `personuppgiftslagen`;
//! - the ombudsman's old address `Ratapihantie 9`, in HTML sometimes as
//!   `Ratapihantie&nbsp;9`;
//! - placeholders `[sähköposti]`, `(s-postiosoite)`, `[puhelinnumero]`;
//! - empty sections (a heading with nothing under it);
//! - a placeholder inside an HTML comment (`<!-- TODO: [yrityksen nimi] -->`)
//!   that must NOT be reported.
//!
//! `verify` reads `seloste check --format json` output for the corpus and
//! checks every injected finding is reported (same rule, exact source text)
//! and that nothing inside the comments is; it also says how many of the
//! injected findings a grep for the plain patterns could not see.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

#[derive(Serialize, Deserialize, Clone, Debug)]
struct Injected {
    file: String,
    rule: String,
    /// The exact source text the finding must underline.
    text: String,
    /// Whether a grep for the plain pattern would see it.
    grep_visible: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
struct MustNot {
    file: String,
    /// No finding's text may contain this (it is inside a comment).
    text: String,
}

#[derive(Serialize, Deserialize, Debug, Default)]
struct Expected {
    seed: u64,
    files: usize,
    bytes: u64,
    html: usize,
    markdown: usize,
    text: usize,
    findings: Vec<Injected>,
    must_not_find: Vec<MustNot>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Markdown,
    Text,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Fi,
    Sv,
    En,
}

/// What a notice's text is filled with.
struct Company {
    name: String,
    short: String,
    city: &'static str,
    street: String,
    postcode: String,
    ytunnus: String,
    domain: String,
    register: &'static str,
}

const FIRST: &[&str] = &[
    "Kuura",
    "Revontuli",
    "Saimaan",
    "Pohjolan",
    "Lapin",
    "Aalto",
    "Kallio",
    "Metsä",
    "Järvi",
    "Tunturi",
    "Kaski",
    "Virta",
    "Sointu",
    "Helmi",
    "Kide",
    "Lumo",
    "Otava",
    "Tähti",
];
const SECOND: &[&str] = &[
    "Kahvila",
    "Rakennus",
    "Tilitoimisto",
    "Kiinteistöhuolto",
    "Hammaslääkärit",
    "Kuljetus",
    "Verkkokauppa",
    "Ohjelmistot",
    "Kampaamo",
    "Autohuolto",
    "Kustannus",
    "Sähkö",
    "Matkat",
];
const FORM: &[&str] = &["Oy", "Oy", "Oy", "Oyj", "Ky", "ry"];
const CITIES: &[(&str, &str)] = &[
    ("Helsinki", "00"),
    ("Espoo", "02"),
    ("Tampere", "33"),
    ("Turku", "20"),
    ("Oulu", "90"),
    ("Jyväskylä", "40"),
    ("Kuopio", "70"),
    ("Lahti", "15"),
    ("Pori", "28"),
    ("Vaasa", "65"),
    ("Joensuu", "80"),
    ("Rovaniemi", "96"),
];
const STREETS: &[&str] = &[
    "Rantakatu",
    "Kauppakatu",
    "Teollisuustie",
    "Puistokatu",
    "Asemakatu",
    "Koulukatu",
    "Mäkitie",
    "Satamakatu",
    "Hallituskatu",
    "Kirkkokatu",
];
const REGISTERS: &[&str] = &[
    "Asiakasrekisteri",
    "Kanta-asiakasrekisteri",
    "Markkinointirekisteri",
    "Verkkokaupan asiakasrekisteri",
    "Uutiskirjeen tilaajarekisteri",
    "Rekrytointirekisteri",
    "Jäsenrekisteri",
];

fn ytunnus(rng: &mut Rng) -> String {
    const W: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];
    loop {
        let digits: Vec<u32> = (0..7).map(|_| rng.below(10) as u32).collect();
        let sum: u32 = digits.iter().zip(W).map(|(d, w)| d * w).sum();
        let check = match sum % 11 {
            0 => 0,
            1 => continue,
            r => 11 - r,
        };
        let s: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
        return format!("{s}-{check}");
    }
}

fn company(rng: &mut Rng) -> Company {
    let a = *rng.pick(FIRST);
    let b = *rng.pick(SECOND);
    let form = *rng.pick(FORM);
    let (city, pc) = *rng.pick(CITIES);
    let short = format!("{b} {a}");
    let domain = format!(
        "{}{}.fi",
        fold_ascii(a),
        fold_ascii(&b[..b.char_indices().nth(4).map_or(b.len(), |(i, _)| i)])
    );
    Company {
        name: format!("{short} {form}"),
        short,
        city,
        street: format!("{} {}", rng.pick(STREETS), 1 + rng.below(40)),
        postcode: format!("{pc}{:03}", 100 + rng.below(800)),
        ytunnus: ytunnus(rng),
        domain,
        register: rng.pick::<&str>(REGISTERS),
    }
}

fn fold_ascii(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// One section: heading and paragraphs (`{name}`, `{city}`... filled in).
struct Section {
    heading: String,
    paras: Vec<String>,
    /// A list (rendered as <ul> / `-` items).
    items: Vec<String>,
}

fn fill(t: &str, c: &Company) -> String {
    t.replace("{name}", &c.name)
        .replace("{short}", &c.short)
        .replace("{city}", c.city)
        .replace("{street}", &c.street)
        .replace("{postcode}", &c.postcode)
        .replace("{ytunnus}", &c.ytunnus)
        .replace("{domain}", &c.domain)
        .replace("{register}", c.register)
}

/// Section templates per element: (headings, paragraph variants, items).
type Tmpl = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const FI: &[Tmpl] = &[
    (
        &["Rekisterinpitäjä", "1. Rekisterinpitäjä", "Rekisterinpitäjä ja yhteystiedot"],
        &[
            "{name} (Y-tunnus {ytunnus}), {street}, {postcode} {city}. Sähköposti tietosuoja@{domain}, puhelin 040 {ytunnus}.",
            "Rekisterinpitäjänä toimii {name}, Y-tunnus {ytunnus}. Käyntiosoite {street}, {postcode} {city}. Tietosuojaa koskevat kysymykset voi lähettää osoitteeseen tietosuoja@{domain}.",
        ],
        &[],
    ),
    (
        &["Yhteyshenkilö rekisteriä koskevissa asioissa", "Yhteydenotot", "Rekisteriasioista vastaava henkilö"],
        &[
            "Rekisteriä koskevissa asioissa voit ottaa yhteyttä asiakaspalveluumme arkisin klo 9–16. Sähköposti asiakaspalvelu@{domain}. Vastaamme yhteydenottoihin viimeistään kuukauden kuluessa.",
            "Yhteyshenkilönä toimii toimitusjohtaja, {street}, {postcode} {city}, tietosuoja@{domain}. Pyydämme lähettämään tietopyynnöt kirjallisesti.",
        ],
        &[],
    ),
    (
        &["Rekisterin nimi"],
        &["{register}. Rekisteriin kuuluvat {short}n asiakkaat, uutiskirjeen tilaajat ja yhteistyökumppaneiden yhteyshenkilöt."],
        &[],
    ),
    (
        &["Henkilötietojen käsittelyn tarkoitus", "Mihin käytämme tietojasi?", "Käsittelyn tarkoitukset"],
        &[
            "Käsittelemme henkilötietoja asiakassuhteen hoitamiseksi, tilausten toimittamiseksi ja laskuttamiseksi sekä asiakaspalvelun järjestämiseksi. Tietoja käytetään myös palvelujemme kehittämiseen, tilastointiin ja asiakasviestintään.",
            "Henkilötietoja käytetään sopimuksen täyttämiseen, asiakkaan tunnistamiseen, markkinointiin omille asiakkaille sekä liiketoiminnan suunnitteluun ja kehittämiseen. Emme tee käsittelyn perusteella asiakasta koskevia automaattisia päätöksiä.",
            "Keräämme vain tietoja, jotka ovat tarpeen palvelun tuottamiseksi. Tietoja käytetään tilausten käsittelyyn, toimitusten seurantaan, reklamaatioiden hoitamiseen ja lakisääteisten velvoitteiden täyttämiseen.",
        ],
        &[],
    ),
    (
        &["Käsittelyn oikeusperuste", "Henkilötietojen käsittelyn peruste"],
        &[
            "Käsittely perustuu EU:n yleisen tietosuoja-asetuksen 6 artiklan mukaiseen sopimukseen, rekisterinpitäjän oikeutettuun etuun asiakassuhteen perusteella sekä suoramarkkinoinnin osalta rekisteröidyn suostumukseen.",
            "Oikeusperusteena on asiakassuhde ja sopimuksen täytäntöönpano. Kirjanpitoaineiston säilyttäminen perustuu lakisääteiseen velvoitteeseen. Uutiskirjeen lähettäminen perustuu suostumukseen, jonka voit peruuttaa milloin tahansa.",
        ],
        &[],
    ),
    (
        &["Rekisterin tietosisältö", "Mitä tietoja keräämme?", "Käsiteltävät henkilötiedot"],
        &["Rekisteriin tallennetaan seuraavia tietoja:", "Käsittelemme esimerkiksi seuraavia henkilötietoja:"],
        &[
            "nimi, sähköpostiosoite, puhelinnumero ja postiosoite",
            "yrityksen nimi ja asema yrityksessä",
            "tilaus- ja laskutustiedot sekä maksutapa",
            "asiakaspalveluun liittyvä viestintä",
            "markkinointiluvat ja -kiellot",
            "verkkosivuston käyttöön liittyvät tekniset tiedot, kuten IP-osoite ja selaintiedot",
        ],
    ),
    (
        &["Säännönmukaiset tietolähteet", "Mistä saamme tietoja?", "Tietolähteet"],
        &[
            "Tiedot saadaan rekisteröidyltä itseltään tilauksen, rekisteröitymisen tai yhteydenoton yhteydessä. Osoitetietoja voidaan päivittää Postin osoitepalvelusta ja yritystietoja julkisista rekistereistä.",
            "Saamme tiedot pääasiassa sinulta itseltäsi. Lisäksi verkkosivuston käytöstä kertyy tietoja evästeiden avulla, ja luottotiedot tarkistetaan tarvittaessa luottotietorekisteristä.",
        ],
        &[],
    ),
    (
        &["Tietojen säännönmukaiset luovutukset", "Kenelle tietoja luovutetaan?", "Tietojen vastaanottajat"],
        &[
            "Tietoja ei luovuteta ulkopuolisille muutoin kuin lainsäädännön velvoittamana. Käytämme henkilötietojen käsittelijöinä tilitoimistoa, verkkokauppa-alustan toimittajaa, maksunvälittäjää ja kuljetusliikkeitä, joiden kanssa olemme solmineet tietojenkäsittelysopimukset.",
            "Henkilötietoja käsittelevät puolestamme IT-palveluiden toimittajat ja pilvipalvelujen tarjoajat. Viranomaisille tietoja luovutetaan vain lain niin vaatiessa.",
        ],
        &[],
    ),
    (
        &["Tietojen siirto EU:n tai ETA:n ulkopuolelle", "Siirretäänkö tietoja EU:n ulkopuolelle?"],
        &[
            "Tietoja ei siirretä EU:n tai ETA:n ulkopuolelle.",
            "Osa palveluntarjoajistamme voi käsitellä tietoja EU:n tai ETA:n ulkopuolella. Tällöin siirto perustuu Euroopan komission vakiosopimuslausekkeisiin tai komission tietosuojan riittävyyttä koskevaan päätökseen.",
        ],
        &[],
    ),
    (
        &["Tietojen säilytysaika", "Kuinka kauan säilytämme tietoja?"],
        &[
            "Säilytämme asiakastietoja asiakassuhteen ajan ja kaksi vuotta sen päättymisen jälkeen. Kirjanpitoon liittyvät tiedot säilytetään kirjanpitolain edellyttämät kymmenen vuotta.",
            "Tiedot poistetaan, kun niitä ei enää tarvita käsittelyn tarkoitukseen, viimeistään kolmen vuoden kuluttua viimeisestä asiakastapahtumasta.",
        ],
        &[],
    ),
    (
        &["Rekisterin suojauksen periaatteet", "Miten suojaamme tietosi?", "Tietoturva"],
        &[
            "Tiedot säilytetään palvelimilla, jotka sijaitsevat lukituissa ja valvotuissa tiloissa. Pääsy tietoihin on vain niillä työntekijöillä, jotka tarvitsevat niitä työssään, ja käyttöoikeudet tarkistetaan säännöllisesti. Tietoliikenne on salattu.",
            "Manuaalinen aineisto säilytetään lukitussa tilassa. Sähköisesti käsiteltävät tiedot on suojattu palomuurein, salasanoin ja muilla teknisillä keinoilla. Henkilökuntaa sitoo vaitiolovelvollisuus.",
        ],
        &[],
    ),
    (
        &["Evästeet", "Evästeiden käyttö"],
        &[
            "Verkkosivustollamme käytetään evästeitä sivuston toiminnan varmistamiseen, kävijäseurantaan ja markkinoinnin kohdentamiseen. Voit hallita evästeasetuksia sivuston alareunan evästeasetuksista tai selaimesi asetuksista.",
            "Käytämme välttämättömiä evästeitä sekä suostumuksellasi analytiikka- ja markkinointievästeitä. Evästeiden avulla kerättyä tietoa voidaan yhdistää muihin rekisteröidystä kerättyihin tietoihin.",
        ],
        &[],
    ),
    (
        &["Tarkastusoikeus", "Oikeus saada pääsy tietoihin"],
        &["Rekisteröidyllä on oikeus tarkastaa, mitä häntä koskevia tietoja rekisteriin on tallennettu. Tarkastuspyyntö tehdään kirjallisesti rekisterin yhteyshenkilölle."],
        &[],
    ),
    (
        &["Oikeus vaatia tiedon korjaamista", "Oikeus tietojen oikaisemiseen"],
        &["Rekisteröidyllä on oikeus vaatia virheellisen tiedon oikaisemista. Oikaisupyyntö lähetetään sähköpostitse, ja korjaus tehdään viipymättä."],
        &[],
    ),
    (
        &["Muut henkilötietojen käsittelyyn liittyvät oikeudet", "Rekisteröidyn oikeudet"],
        &[
            "Rekisteröidyllä on oikeus pyytää tietojensa poistamista, käsittelyn rajoittamista ja tietojen siirtämistä järjestelmästä toiseen sekä vastustaa tietojensa käsittelyä suoramarkkinointia varten. Pyynnöt käsitellään kuukauden kuluessa.",
        ],
        &[],
    ),
    (
        &["Oikeus tehdä valitus valvontaviranomaiselle", "Valitusoikeus"],
        &["Jos katsot, että henkilötietojesi käsittelyssä on rikottu tietosuojalainsäädäntöä, voit tehdä valituksen tietosuojavaltuutetun toimistolle (tietosuoja.fi)."],
        &[],
    ),
    (
        &["Automaattinen päätöksenteko ja profilointi"],
        &["Emme tee rekisteröityä koskevia päätöksiä yksinomaan automaattisen käsittelyn perusteella. Markkinointia voidaan kohdentaa ostohistorian perusteella."],
        &[],
    ),
];

const SV: &[Tmpl] = &[
    (
        &["Personuppgiftsansvarig"],
        &["{name} (FO-nummer {ytunnus}), {street}, {postcode} {city}. E-post dataskydd@{domain}."],
        &[],
    ),
    (
        &["Ändamålet med behandlingen av personuppgifter"],
        &["Vi behandlar personuppgifter för att sköta kundrelationen, leverera beställningar och fakturera samt för att utveckla våra tjänster och för marknadsföring till våra egna kunder."],
        &[],
    ),
    (
        &["Rättslig grund för behandlingen"],
        &["Behandlingen grundar sig på avtal, den personuppgiftsansvariges berättigade intresse och, för direktmarknadsföring, på ditt samtycke."],
        &[],
    ),
    (
        &["Registrets datainnehåll", "Uppgifter i registret"],
        &["I registret sparas namn, e-postadress, telefonnummer, adress, beställnings- och faktureringsuppgifter samt marknadsföringstillstånd."],
        &[],
    ),
    (
        &["Regelmässiga uppgiftskällor"],
        &["Uppgifterna fås av den registrerade själv i samband med beställning eller registrering samt från Postens adresstjänst."],
        &[],
    ),
    (
        &["Regelmässig överlåtelse av uppgifter"],
        &["Uppgifter överlåts inte till utomstående, förutom till personuppgiftsbiträden såsom bokföringsbyrå och leverantörer av IT-tjänster."],
        &[],
    ),
    (
        &["Lagringstid"],
        &["Uppgifterna sparas under kundrelationen och två år efter att den upphört. Bokföringsmaterial sparas i tio år."],
        &[],
    ),
    (
        &["Skydd av registret"],
        &["Uppgifterna förvaras på servrar i låsta utrymmen. Endast anställda som behöver uppgifterna i sitt arbete har tillgång till dem."],
        &[],
    ),
    (
        &["Kakor"],
        &["Vår webbplats använder kakor för att säkerställa funktionen och för besöksstatistik. Du kan hantera kakor i webbläsarens inställningar."],
        &[],
    ),
    (
        &["Den registrerades rättigheter"],
        &["Du har rätt till insyn i dina uppgifter, rätt till rättelse och radering, rätt att begränsa och invända mot behandlingen samt rätt att lämna klagomål till dataombudsmannens byrå."],
        &[],
    ),
];

const EN: &[Tmpl] = &[
    (
        &["Controller"],
        &["{name} (business ID {ytunnus}), {street}, {postcode} {city}. Email privacy@{domain}."],
        &[],
    ),
    (
        &["Purposes of processing"],
        &["We process personal data to manage customer relationships, deliver orders and invoice them, and to develop our services and market them to our own customers."],
        &[],
    ),
    (
        &["Legal basis"],
        &["Processing is based on a contract, our legitimate interest and, for direct marketing, your consent, which you may withdraw at any time."],
        &[],
    ),
    (
        &["What data we collect"],
        &["We collect your name, email address, phone number, postal address, order and billing details and marketing preferences."],
        &[],
    ),
    (
        &["Who receives your data"],
        &["Your data is processed on our behalf by our accounting firm and IT service providers bound by data processing agreements."],
        &[],
    ),
    (
        &["Retention"],
        &["We keep customer data for the duration of the customer relationship and for two years after it ends."],
        &[],
    ),
    (
        &["Security"],
        &["Data is stored on servers in locked premises and access is limited to employees who need it in their work."],
        &[],
    ),
    (
        &["Cookies"],
        &["Our website uses cookies for its functionality and visitor statistics. You can manage cookies in your browser settings."],
        &[],
    ),
    (
        &["Your rights"],
        &["You have the right of access, to rectification and erasure, to restrict and object to processing, to data portability, and to lodge a complaint with the Data Protection Ombudsman."],
        &[],
    ),
];

/// Text inserted into a section, with HTML and plain spellings.
struct Inject {
    html: String,
    plain: String,
    rule: &'static str,
    /// The source text the finding underlines (in the file's format).
    text_html: String,
    text_plain: String,
    grep_visible_html: bool,
    grep_visible_plain: bool,
}

fn law_injection(rng: &mut Rng, lang: Lang) -> Inject {
    if lang == Lang::Sv {
        let w = "personuppgiftslagen";
        return Inject {
            html: format!("Uppgifterna behandlas enligt {w} (523/1999)."),
            plain: format!("Uppgifterna behandlas enligt {w} (523/1999)."),
            rule: "repealed-personal-data-act",
            text_html: w.into(),
            text_plain: w.into(),
            grep_visible_html: true,
            grep_visible_plain: true,
        };
    }
    let variant = rng.below(3);
    let (html_word, plain_word, gh, gp) = match variant {
        0 => ("henkilötietolain", "henkilötietolain", true, true),
        1 => ("henkil&ouml;tietolain", "henkilötietolain", false, true),
        _ => (
            "henkilö&shy;tietolain",
            "henkilö\u{ad}tietolain",
            false,
            false,
        ),
    };
    let sentence = |w: &str| {
        format!("Henkilötietoja käsitellään {w} ja muun soveltuvan lainsäädännön mukaisesti.")
    };
    Inject {
        html: sentence(html_word),
        plain: sentence(plain_word),
        rule: "repealed-personal-data-act",
        text_html: html_word.into(),
        text_plain: plain_word.into(),
        grep_visible_html: gh,
        grep_visible_plain: gp,
    }
}

fn placeholder_injection(rng: &mut Rng) -> Inject {
    let p = *rng.pick(&["[sähköposti]", "(s-postiosoite)", "[puhelinnumero]"]);
    let html_p = p.replace('ä', "&auml;").replace('ö', "&ouml;");
    let entity = rng.chance(30);
    let hp = if entity { html_p } else { p.to_string() };
    Inject {
        html: format!("Lisätietoja saat osoitteesta {hp}."),
        plain: format!("Lisätietoja saat osoitteesta {p}."),
        rule: "placeholder-text",
        grep_visible_html: hp == p,
        text_html: hp,
        text_plain: p.into(),
        grep_visible_plain: true,
    }
}

fn ombudsman_injection(rng: &mut Rng) -> Inject {
    let nbsp = rng.chance(50);
    let h = if nbsp {
        "Ratapihantie&nbsp;9"
    } else {
        "Ratapihantie 9"
    };
    Inject {
        html: format!("Tietosuojavaltuutetun toimisto, {h}, 00520 Helsinki."),
        plain: "Tietosuojavaltuutetun toimisto, Ratapihantie 9, 00520 Helsinki.".into(),
        rule: "stale-ombudsman-address",
        text_html: h.into(),
        text_plain: "Ratapihantie 9".into(),
        grep_visible_html: !nbsp,
        grep_visible_plain: true,
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Site chrome around an HTML notice.
fn html_page(c: &Company, title: &str, body: &str, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(12_000);
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="fi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} – {name}</title>
  <link rel="stylesheet" href="/assets/css/main.{v}.css">
  <link rel="icon" href="/favicon.ico">
  <style>.cookie-banner{{position:fixed;bottom:0;left:0;right:0;background:#222;color:#fff;padding:1rem}}.site-nav a{{margin-right:1rem}}</style>
  <script async src="https://www.googletagmanager.com/gtag/js?id=G-{v}"></script>
  <script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){{dataLayer.push(arguments);}}
    gtag('js', new Date()); gtag('config', 'G-{v}', {{ anonymize_ip: true }});
    if (document.cookie.indexOf("consent=") < 0) {{ document.documentElement.className += " needs-consent"; }}
  </script>
</head>
<body class="page page-privacy">
  <div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Evästeet">
    <p>Käytämme evästeitä parantaaksemme käyttökokemusta. <a href="/tietosuojaseloste/">Lue lisää</a></p>
    <button class="accept">Hyväksy kaikki</button> <button class="reject">Vain välttämättömät</button>
  </div>
  <header class="site-header">
    <a class="logo" href="/"><img src="/assets/img/logo.svg" alt="{short}"></a>
    <nav class="site-nav" aria-label="Päävalikko">
      <ul><li><a href="/">Etusivu</a></li><li><a href="/palvelut/">Palvelut</a></li><li><a href="/tuotteet/">Tuotteet</a></li><li><a href="/ajankohtaista/">Ajankohtaista</a></li><li><a href="/yhteystiedot/">Yhteystiedot</a></li></ul>
    </nav>
  </header>
  <main id="content" class="content">
    <nav class="breadcrumbs"><a href="/">Etusivu</a> › <span>{title}</span></nav>
    <article class="entry">
{body}
    </article>
  </main>
  <aside class="sidebar">
    <h3>Ajankohtaista</h3>
    <ul><li><a href="/ajankohtaista/uusi-toimipiste/">Uusi toimipiste {city}ssa</a></li><li><a href="/ajankohtaista/kesaajat/">Kesän aukioloajat</a></li></ul>
  </aside>
  <footer class="site-footer">
    <div class="cols">
      <div><h4>{short}</h4><p>{street}<br>{postcode} {city}<br>Y-tunnus {ytunnus}</p></div>
      <div><h4>Ota yhteyttä</h4><p>asiakaspalvelu@{domain}<br>Avoinna ma–pe 8–16</p></div>
      <div><h4>Seuraa meitä</h4><p><a href="https://www.facebook.com/">Facebook</a> · <a href="https://www.instagram.com/">Instagram</a> · <a href="https://www.linkedin.com/">LinkedIn</a></p></div>
    </div>
    <p class="legal">© 2025 {name} · <a href="/tietosuojaseloste/">Tietosuojaseloste</a> · <a href="/evasteet/">Evästeasetukset</a></p>
  </footer>
  <script src="/assets/js/main.{v}.js" defer></script>
</body>
</html>
"#,
        title = html_escape(title),
        name = html_escape(&c.name),
        short = html_escape(&c.short),
        city = c.city,
        street = c.street,
        postcode = c.postcode,
        ytunnus = c.ytunnus,
        domain = c.domain,
        v = rng.next() % 100_000,
    );
    s
}

fn ents(s: &str) -> String {
    // Older CMSs write every ä and ö as an entity.
    s.replace('ä', "&auml;")
        .replace('ö', "&ouml;")
        .replace('Ä', "&Auml;")
}

struct Built {
    text: String,
    findings: Vec<(String, String, bool)>,
    must_not: Vec<String>,
}

fn build(rng: &mut Rng, kind: Kind, lang: Lang, target: usize) -> Built {
    let c = company(rng);
    let tmpls = match lang {
        Lang::Fi => FI,
        Lang::Sv => SV,
        Lang::En => EN,
    };
    // Which sections, in order; then repeat optional ones with other
    // wordings until the size is reached.
    let mut sections: Vec<Section> = Vec::new();
    let mut size = 0;
    let mut round = 0;
    while size < target.saturating_sub(if kind == Kind::Html { 3500 } else { 300 }) && round < 4 {
        for t in tmpls {
            if round > 0 && !rng.chance(45) {
                continue;
            }
            if round == 0 && rng.chance(8) {
                continue; // a missing element now and then
            }
            let heading = fill(rng.pick::<&str>(t.0), &c);
            let mut paras = vec![fill(rng.pick::<&str>(t.1), &c)];
            if rng.chance(40) {
                paras.push(fill(rng.pick::<&str>(t.1), &c));
            }
            let mut items = Vec::new();
            for it in t.2 {
                if rng.chance(80) {
                    items.push(it.to_string());
                }
            }
            size += heading.len()
                + paras.iter().map(|p| p.len() + 10).sum::<usize>()
                + items.iter().map(|i| i.len() + 12).sum::<usize>();
            sections.push(Section {
                heading,
                paras,
                items,
            });
            if size >= target {
                break;
            }
        }
        round += 1;
    }

    // Injections.
    let html = kind == Kind::Html;
    let entity_page = html && rng.chance(25);
    let mut findings = Vec::new();
    let mut must_not = Vec::new();
    let mut injected_into = Vec::new();
    let mut inject = |sections: &mut Vec<Section>, rng: &mut Rng, inj: Inject| {
        let i = 1 + rng.below(sections.len().saturating_sub(1).max(1));
        let i = i.min(sections.len() - 1);
        let (text, source, visible) = if html {
            (inj.html, inj.text_html, inj.grep_visible_html)
        } else {
            (inj.plain, inj.text_plain, inj.grep_visible_plain)
        };
        sections[i].paras.push(text);
        injected_into.push(i);
        findings.push((inj.rule.to_string(), source, visible));
    };
    if lang != Lang::En && rng.chance(45) {
        let inj = law_injection(rng, lang);
        inject(&mut sections, rng, inj);
    }
    if lang == Lang::Fi && rng.chance(35) {
        let inj = placeholder_injection(rng);
        inject(&mut sections, rng, inj);
    }
    if lang == Lang::Fi && rng.chance(15) {
        let inj = ombudsman_injection(rng);
        inject(&mut sections, rng, inj);
    }
    // Plain text: numbered headings in half the files (an empty heading is
    // only unambiguous there, and not as the last line).
    let numbered = kind == Kind::Text && rng.chance(50);
    let mut empty: Option<usize> = None;
    if rng.chance(30) && sections.len() > 3 && (kind != Kind::Text || numbered) {
        // An element's heading (not the register's name), written once, with
        // no injected text, and followed by another section.
        let candidates: Vec<usize> = (2..sections.len() - 1)
            .filter(|&i| !injected_into.contains(&i))
            .filter(|&i| !sections[i].heading.contains("Rekisterin nimi"))
            .filter(|&i| {
                sections
                    .iter()
                    .filter(|s| s.heading == sections[i].heading)
                    .count()
                    == 1
            })
            .collect();
        if !candidates.is_empty() {
            let i = *rng.pick(&candidates);
            sections[i].paras.clear();
            sections[i].items.clear();
            empty = Some(i);
        }
    }
    let comment = (html || kind == Kind::Markdown) && rng.chance(40);

    let title = match lang {
        Lang::Fi => format!("{} – tietosuojaseloste", c.register),
        Lang::Sv => "Dataskyddsbeskrivning".to_string(),
        Lang::En => "Privacy notice".to_string(),
    };
    let date = format!(
        "{}.{}.20{}",
        1 + rng.below(28),
        1 + rng.below(12),
        18 + rng.below(8)
    );
    let mut body = String::new();
    match kind {
        Kind::Html => {
            let e = |s: &str| {
                if entity_page {
                    ents(s)
                } else {
                    s.to_string()
                }
            };
            let _ = writeln!(body, "      <h1>{}</h1>", e(&html_escape(&title)));
            let _ = writeln!(body, "      <p class=\"updated\">Päivitetty {date}</p>");
            if comment {
                body.push_str(
                    "      <!-- TODO: [yrityksen nimi] ja osoite tähän ennen julkaisua -->\n",
                );
                must_not.push("[yrityksen nimi]".to_string());
                must_not.push("TODO".to_string());
            }
            for (i, s) in sections.iter().enumerate() {
                let heading = e(&html_escape(&s.heading));
                let _ = writeln!(body, "      <h2 id=\"s{i}\">{heading}</h2>");
                if Some(i) == empty {
                    findings.push(("empty-section".into(), heading, false));
                    continue;
                }
                for p in &s.paras {
                    // Injected text is already in its HTML spelling.
                    let p = if p.contains('&') {
                        p.clone()
                    } else {
                        e(&html_escape(p))
                    };
                    let _ = writeln!(body, "      <p>{p}</p>");
                }
                if !s.items.is_empty() {
                    body.push_str("      <ul>\n");
                    for it in &s.items {
                        let _ = writeln!(body, "        <li>{}</li>", e(&html_escape(it)));
                    }
                    body.push_str("      </ul>\n");
                }
            }
            let text = html_page(&c, &title, &body, rng);
            // Entity-written findings: their source text must be in the
            // entity spelling too.
            let findings = findings
                .into_iter()
                .map(|(rule, t, v)| {
                    if entity_page && rule != "empty-section" && !t.contains('&') {
                        let te = ents(&t);
                        let visible = v && te == t;
                        (rule, te, visible)
                    } else {
                        (rule, t, v)
                    }
                })
                .collect();
            return Built {
                text,
                findings,
                must_not,
            };
        }
        Kind::Markdown => {
            let _ = write!(
                body,
                "---\ntitle: \"{title}\"\ndate: {date}\nlayout: page\n---\n\n# {title}\n\n"
            );
            let _ = writeln!(body, "Päivitetty {date}. Tässä selosteessa kerrotaan, miten {} käsittelee henkilötietoja.\n", c.name);
            if comment {
                body.push_str(
                    "<!-- TODO: [yrityksen nimi] ja osoite tähän ennen julkaisua -->\n\n",
                );
                must_not.push("[yrityksen nimi]".to_string());
                must_not.push("TODO".to_string());
            }
            for (i, s) in sections.iter().enumerate() {
                let _ = writeln!(body, "## {}\n", s.heading);
                if Some(i) == empty {
                    findings.push(("empty-section".into(), s.heading.clone(), false));
                    continue;
                }
                for p in &s.paras {
                    let _ = writeln!(body, "{p}\n");
                }
                for it in &s.items {
                    let _ = writeln!(body, "- {it}");
                }
                if !s.items.is_empty() {
                    body.push('\n');
                }
            }
        }
        Kind::Text => {
            let _ = writeln!(body, "{title}\n\nPäivitetty {date}\n");
            for (i, s) in sections.iter().enumerate() {
                let bare = s
                    .heading
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
                let heading = if numbered {
                    format!("{}. {bare}", i + 1)
                } else {
                    s.heading.clone()
                };
                let _ = writeln!(body, "{heading}\n");
                if Some(i) == empty {
                    findings.push(("empty-section".into(), heading, false));
                    continue;
                }
                for p in &s.paras {
                    let _ = writeln!(body, "{p}\n");
                }
                for it in &s.items {
                    let _ = writeln!(body, "- {it}");
                }
                if !s.items.is_empty() {
                    body.push('\n');
                }
            }
        }
    }
    Built {
        text: body,
        findings,
        must_not,
    }
}

pub fn generate(out: &Path, count: usize, seed: u64, size: usize) {
    std::fs::create_dir_all(out).expect("create the output folder");
    let mut rng = Rng(seed);
    let mut exp = Expected {
        seed,
        files: count,
        ..Default::default()
    };
    for n in 0..count {
        let kind = match n % 4 {
            0 | 2 => Kind::Html,
            1 => Kind::Markdown,
            _ => Kind::Text,
        };
        let lang = match rng.below(100) {
            0..=9 => Lang::Sv,
            10..=14 => Lang::En,
            _ => Lang::Fi,
        };
        let target = size - size / 10 + rng.below(size / 5 + 1);
        let b = build(&mut rng, kind, lang, target);
        let ext = match kind {
            Kind::Html => "html",
            Kind::Markdown => "md",
            Kind::Text => "txt",
        };
        let stem = match lang {
            Lang::Fi => "tietosuojaseloste",
            Lang::Sv => "dataskyddsbeskrivning",
            Lang::En => "privacy-notice",
        };
        let rel = format!("osa-{:03}/n{n:06}-{stem}.{ext}", n / 1000);
        let path = out.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &b.text).unwrap();
        exp.bytes += b.text.len() as u64;
        match kind {
            Kind::Html => exp.html += 1,
            Kind::Markdown => exp.markdown += 1,
            Kind::Text => exp.text += 1,
        }
        for (rule, text, grep_visible) in b.findings {
            exp.findings.push(Injected {
                file: rel.clone(),
                rule,
                text,
                grep_visible,
            });
        }
        for text in b.must_not {
            exp.must_not_find.push(MustNot {
                file: rel.clone(),
                text,
            });
        }
    }
    std::fs::write(
        out.join("expected.json"),
        serde_json::to_string(&exp).unwrap(),
    )
    .unwrap();
    println!(
        "wrote {} notices ({} HTML, {} Markdown, {} text), {:.1} MB, {} injected findings, {} comment placeholders to {}",
        count,
        exp.html,
        exp.markdown,
        exp.text,
        exp.bytes as f64 / 1e6,
        exp.findings.len(),
        exp.must_not_find.len(),
        out.display()
    );
}

#[derive(Deserialize)]
struct Output {
    files: Vec<OutFile>,
}

#[derive(Deserialize)]
struct OutFile {
    path: String,
    diagnostics: Vec<OutDiag>,
}

#[derive(Deserialize)]
struct OutDiag {
    rule: String,
    text: String,
}

pub fn verify(dir: &Path, output: &Path) -> bool {
    let exp: Expected = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .unwrap();
    let out: Output = serde_json::from_reader(std::io::BufReader::new(
        std::fs::File::open(output).expect("seloste output"),
    ))
    .expect("seloste check --format json output");
    let rel = |p: &str| -> String {
        let p = Path::new(p);
        p.strip_prefix(dir).unwrap_or(p).display().to_string()
    };
    let by_file: std::collections::HashMap<String, &OutFile> =
        out.files.iter().map(|f| (rel(&f.path), f)).collect();
    let mut missed = Vec::new();
    for f in &exp.findings {
        let found = by_file.get(&f.file).is_some_and(|o| {
            o.diagnostics
                .iter()
                .any(|d| d.rule == f.rule && d.text == f.text)
        });
        if !found {
            missed.push(f);
        }
    }
    let mut false_pos = Vec::new();
    for m in &exp.must_not_find {
        if let Some(o) = by_file.get(&m.file) {
            if let Some(d) = o.diagnostics.iter().find(|d| d.text.contains(&m.text)) {
                false_pos.push((m, d.rule.clone()));
            }
        }
    }
    let invisible = exp.findings.iter().filter(|f| !f.grep_visible).count();
    let empty = exp
        .findings
        .iter()
        .filter(|f| f.rule == "empty-section")
        .count();
    println!(
        "verify: {} files linted of {}; injected findings found {}/{} ({} of them invisible to a plain-text grep: {} empty sections, {} written with entities, soft hyphens or &nbsp;); placeholders inside HTML comments reported: {} of {} (a grep reports all of them)",
        out.files.len(),
        exp.files,
        exp.findings.len() - missed.len(),
        exp.findings.len(),
        invisible,
        empty,
        invisible - empty,
        false_pos.len(),
        exp.must_not_find.len()
    );
    for f in missed.iter().take(10) {
        println!("  MISSED {} {} {:?}", f.file, f.rule, f.text);
    }
    for (m, rule) in false_pos.iter().take(10) {
        println!("  REPORTED INSIDE A COMMENT {} {rule} {:?}", m.file, m.text);
    }
    missed.is_empty() && false_pos.is_empty() && out.files.len() == exp.files
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("verify") {
        let (Some(dir), Some(out)) = (args.get(1), args.get(2)) else {
            eprintln!("usage: gen_corpus verify DIR SELOSTE_OUTPUT.json");
            std::process::exit(2);
        };
        let ok = verify(Path::new(dir), Path::new(out));
        std::process::exit(if ok { 0 } else { 1 });
    }
    let mut out: Option<PathBuf> = None;
    let mut count = 1000;
    let mut seed = 42;
    let mut size = 9000;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(val())),
            "--count" => count = val().parse().expect("--count N"),
            "--seed" => seed = val().parse().expect("--seed S"),
            "--size" => size = val().parse().expect("--size BYTES"),
            other => {
                eprintln!("unknown argument {other}\nusage: gen_corpus --out DIR --count N [--seed S] [--size BYTES] | verify DIR OUTPUT.json");
                std::process::exit(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_corpus --out DIR --count N [--seed S] [--size BYTES] | verify DIR OUTPUT.json");
        std::process::exit(2);
    };
    generate(&out, count, seed, size);
}
