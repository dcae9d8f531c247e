//! The notice a municipality starts from, in French, English and Arabic:
//! every element Article 13 of the GDPR asks for, the controller named,
//! and the two things only the municipality knows (its DPO's contact, and
//! where residents use their rights) left as marked gaps that publishing
//! refuses until they are filled ([`GAP_MARKERS`]).

use shared::domain::NoticeText;

/// How a gap to fill begins, in each template's language.
pub const GAP_MARKERS: [&str; 3] = ["[À COMPLÉTER", "[TO COMPLETE", "[يُستكمل"];

/// The languages the notice is offered in, French first (it is required).
pub const LANGUAGES: [&str; 3] = ["fr", "en", "ar"];

/// The starting text in `language` for `municipality`.
pub fn default_text(language: &str, municipality: &str) -> NoticeText {
    let fill = |s: &str| s.replace("{ville}", municipality);
    let (short, full, consent) = match language {
        "en" => (EN_SHORT, EN_FULL, EN_CONSENT),
        "ar" => (AR_SHORT, AR_FULL, AR_CONSENT),
        _ => (FR_SHORT, FR_FULL, FR_CONSENT),
    };
    NoticeText {
        language: if LANGUAGES.contains(&language) {
            language
        } else {
            "fr"
        }
        .to_string(),
        short: fill(short),
        full: fill(full),
        consent: fill(consent),
    }
}

const FR_SHORT: &str = "La ville de {ville} note ce que vous voulez bien dire, sans votre nom, pour améliorer la vie du quartier (mission d'intérêt public). Vous pouvez refuser de répondre. Vos droits et le texte complet : demandez à l'agent ou scannez le code.";

const FR_FULL: &str = "Responsable du traitement : la ville de {ville}, représentée par son maire.
Délégué à la protection des données : [À COMPLÉTER : adresse électronique ou postale du délégué].

Ce que nous notons et pourquoi :
– lors des visites et consultations du quartier, vos réponses, vos propos, votre tranche d'âge et la langue de l'échange, sans votre nom : mission d'intérêt public de la commune (article 6-1-e du RGPD) ;
– seulement si vous le souhaitez, vos nom et coordonnées pour vous inviter au conseil de quartier, à des ateliers, au tirage au sort d'une assemblée citoyenne ou vous tenir informé : votre consentement (article 6-1-a), que vous pouvez retirer à tout moment.

Qui les reçoit : les agents du service démocratie locale ; un service municipal saisi d'un problème que vous signalez, pour sa seule description ; les élus ne reçoivent que des chiffres et des propos choisis, sans nom. Rien n'est vendu ni transmis hors de la commune.

Combien de temps : vos coordonnées, trois ans après notre dernier contact ; le vivier d'une assemblée citoyenne, jusqu'à la fin de la démarche ; vos propos et réponses libres, un an après la fin de la consultation, puis seuls les chiffres restent.

Vos droits : accès, rectification, effacement, opposition, limitation, retrait du consentement. Pour les exercer : [À COMPLÉTER : adresse, courriel ou accueil de la mairie]. Nous répondons dans un délai d'un mois.

Réclamation : vous pouvez saisir la CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.";

const FR_CONSENT: &str = "J'accepte que la ville de {ville} conserve mon nom et mes coordonnées pour m'inviter (je peux retirer mon accord à tout moment) :";

const EN_SHORT: &str = "The city of {ville} notes what you choose to say, without your name, to improve life in the neighbourhood (a task in the public interest). You may decline to answer. Your rights and the full text: ask the agent or scan the code.";

const EN_FULL: &str = "Controller: the city of {ville}, represented by its mayor.
Data protection officer: [TO COMPLETE: the officer's e-mail or postal address].

What we note and why:
– during neighbourhood visits and consultations, your answers, your words, your age band and the language we spoke, without your name: a task in the public interest of the municipality (GDPR Article 6(1)(e));
– only if you wish, your name and contact details to invite you to the neighbourhood council, to workshops, to the draw by lot of a citizens' assembly or to keep you informed: your consent (Article 6(1)(a)), which you may withdraw at any time.

Who receives them: the local democracy team; a city service asked to fix a problem you report, for its description only; elected officials receive only figures and chosen words, without names. Nothing is sold or passed on outside the municipality.

How long: your contact details, three years after our last contact; a citizens' assembly pool, until the end of the process; your words and free answers, one year after the consultation ends, after which only the figures remain.

Your rights: access, rectification, erasure, objection, restriction, withdrawal of consent. To use them: [TO COMPLETE: town hall address, e-mail or desk]. We answer within one month.

Complaints: you may complain to the CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.";

const EN_CONSENT: &str = "I agree that the city of {ville} keeps my name and contact details to invite me (I may withdraw at any time):";

const AR_SHORT: &str = "تسجّل بلدية {ville} ما تودّ قوله، دون اسمك، لتحسين الحياة في الحي (مهمة للمصلحة العامة). يمكنك رفض الإجابة. حقوقك والنص الكامل: اسأل المندوب أو امسح الرمز.";

const AR_FULL: &str = "المسؤول عن المعالجة: بلدية {ville}، ويمثّلها رئيس البلدية.
مندوب حماية البيانات: [يُستكمل: البريد الإلكتروني أو العنوان البريدي للمندوب].

ما نسجّله ولماذا:
– خلال الزيارات والاستشارات في الحي: إجاباتك وأقوالك وفئتك العمرية ولغة الحديث، دون اسمك، وذلك في إطار مهمة للمصلحة العامة للبلدية (المادة 6-1-هـ من اللائحة العامة لحماية البيانات)؛
– فقط إذا رغبت في ذلك: اسمك ووسائل الاتصال بك لدعوتك إلى مجلس الحي أو إلى ورشات أو إلى القرعة لاختيار جمعية المواطنين أو لإطلاعك على المستجدات، بناءً على موافقتك (المادة 6-1-أ)، ويمكنك سحبها في أي وقت.

من يطّلع عليها: فريق الديمقراطية المحلية؛ والمصلحة البلدية المكلّفة بمشكلة تبلّغ عنها، لوصفها فقط؛ ولا يتلقى المنتخبون إلا أرقامًا وأقوالًا مختارة دون أسماء. لا يُباع شيء ولا يُنقل خارج البلدية.

مدة الحفظ: وسائل الاتصال بك، ثلاث سنوات بعد آخر تواصل معنا؛ قائمة المرشحين لجمعية المواطنين، حتى نهاية المسار؛ أقوالك وإجاباتك الحرة، سنة بعد انتهاء الاستشارة، ثم لا تبقى إلا الأرقام.

حقوقك: الاطلاع والتصحيح والمحو والاعتراض والتقييد وسحب الموافقة. لممارستها: [يُستكمل: عنوان البلدية أو بريدها الإلكتروني أو مكتب الاستقبال]. نجيب في غضون شهر.

الشكوى: يمكنك تقديم شكوى إلى اللجنة الوطنية للمعلوماتية والحريات (CNIL)، 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07، www.cnil.fr.";

const AR_CONSENT: &str = "أوافق على أن تحتفظ بلدية {ville} باسمي ووسائل الاتصال بي لدعوتي (يمكنني سحب موافقتي في أي وقت):";

/// The public page's few words around the notice, in the notice's
/// language: the page is read by residents, in French, English or Arabic.
pub struct PublicWords {
    /// The page's title; `{ville}` is the municipality.
    pub title: &'static str,
    /// Under it; `{version}` and `{date}` filled.
    pub version_line: &'static str,
    /// Above the links to the other languages.
    pub other_languages: &'static str,
    /// The language's own name.
    pub name: &'static str,
}

/// The public page's words in `language` (French if not offered).
pub fn public_words(language: &str) -> &'static PublicWords {
    match language {
        "en" => &PublicWords {
            title: "Your data and your rights — {ville}",
            version_line: "Version {version}, published on {date}.",
            other_languages: "Other languages",
            name: "English",
        },
        "ar" => &PublicWords {
            title: "بياناتك وحقوقك — {ville}",
            version_line: "النسخة {version}، نُشرت بتاريخ {date}.",
            other_languages: "لغات أخرى",
            name: "العربية",
        },
        _ => &PublicWords {
            title: "Vos données et vos droits — {ville}",
            version_line: "Version {version}, publiée le {date}.",
            other_languages: "Autres langues",
            name: "Français",
        },
    }
}

/// Whether `language` is written right to left.
pub fn is_rtl(language: &str) -> bool {
    matches!(language, "ar" | "he" | "fa" | "ur")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_template_names_the_municipality_and_leaves_gaps_marked() {
        for language in LANGUAGES {
            let text = default_text(language, "Bobigny");
            assert_eq!(text.language, language);
            assert!(text.full.contains("Bobigny") && text.consent.contains("Bobigny"));
            assert!(
                text.full.contains("CNIL"),
                "{language}: the right to complain"
            );
            assert!(
                GAP_MARKERS.iter().any(|m| text.full.contains(m)),
                "{language}: the DPO's contact is left to fill"
            );
        }
        assert_eq!(default_text("xx", "B").language, "fr");
    }
}
