"""Words for the sample newsroom, in English, Arabic and French.

Sentences are templates over a few slots; an article draws its own combination, so that every
body is distinct (the loader would otherwise rightly treat two of them as one article).
"""

ORGANIZATION = {
    "en": "Mediterranean Organization for Education and Culture",
    "ar": "المنظمة المتوسطية للتربية والثقافة",
    "fr": "Organisation méditerranéenne pour l'éducation et la culture",
}
SHORT_NAME = {"en": "MOEC", "ar": "المنظمة", "fr": "OMEC"}

COUNTRIES = {
    "en": ["Morocco", "Tunisia", "Egypt", "Jordan", "Senegal", "Malaysia", "Oman", "Mauritania", "Indonesia", "Niger"],
    "ar": ["المغرب", "تونس", "مصر", "الأردن", "السنغال", "ماليزيا", "عُمان", "موريتانيا", "إندونيسيا", "النيجر"],
    "fr": ["Maroc", "Tunisie", "Égypte", "Jordanie", "Sénégal", "Malaisie", "Oman", "Mauritanie", "Indonésie", "Niger"],
}
TOPICS = {
    "en": ["early childhood education", "heritage preservation", "artificial intelligence in schools", "girls' education", "water science", "digital libraries", "teacher training", "youth entrepreneurship"],
    "ar": ["التربية في الطفولة المبكرة", "صون التراث", "الذكاء الاصطناعي في المدارس", "تعليم الفتيات", "علوم المياه", "المكتبات الرقمية", "تدريب المعلمين", "ريادة الأعمال لدى الشباب"],
    "fr": ["l'éducation de la petite enfance", "la préservation du patrimoine", "l'intelligence artificielle à l'école", "l'éducation des filles", "les sciences de l'eau", "les bibliothèques numériques", "la formation des enseignants", "l'entrepreneuriat des jeunes"],
}
TITLES = {
    "en": [
        "{org} Director-General receives the Minister of Education of {country}",
        "Workshop in {country} on {topic} concludes",
        "{org} and {country} sign an agreement on {topic}",
        "Regional forum on {topic} opens with experts from {country}",
        "{org} launches a programme on {topic} in {country}",
    ],
    "ar": [
        "المدير العام للمنظمة يستقبل وزير التربية في {country}",
        "اختتام ورشة عمل في {country} حول {topic}",
        "{org} و{country} توقعان اتفاقية في مجال {topic}",
        "افتتاح منتدى إقليمي حول {topic} بمشاركة خبراء من {country}",
        "{org} تطلق برنامجا حول {topic} في {country}",
    ],
    "fr": [
        "Le Directeur général de l'{org} reçoit le ministre de l'Éducation du {country}",
        "Clôture d'un atelier au {country} sur {topic}",
        "L'{org} et le {country} signent un accord sur {topic}",
        "Ouverture d'un forum régional sur {topic} avec des experts du {country}",
        "L'{org} lance un programme sur {topic} au {country}",
    ],
}
SENTENCES = {
    "en": [
        "The meeting in {city} brought together {n} participants from ministries, universities and civil society.",
        "Both sides reviewed the progress of joint projects on {topic} and agreed on a calendar for the coming months.",
        "The Director-General stressed that {topic} is a priority of the Organization's strategy for the next decade.",
        "Delegates from {country} presented their national experience and the results of a pilot carried out in {n} schools.",
        "The participants called for stronger cooperation between member states and for open sharing of data and resources.",
        "A closing session adopted {n} recommendations that will be submitted to the Executive Council.",
        "Experts noted that investment in {topic} pays back many times over in social and economic development.",
        "The programme will offer grants, training sessions and a network of trainers in {city} and the surrounding regions.",
        "Representatives of partner organizations welcomed the initiative and pledged to support its second phase.",
        "The event was broadcast online and followed by more than {n} viewers across the region.",
    ],
    "ar": [
        "جمع اللقاء في {city} {n} مشاركا من الوزارات والجامعات ومنظمات المجتمع المدني.",
        "استعرض الجانبان تقدم المشاريع المشتركة في مجال {topic} واتفقا على جدول زمني للأشهر المقبلة.",
        "وأكد المدير العام أن {topic} من أولويات استراتيجية المنظمة للعقد المقبل.",
        "وقدم وفد {country} التجربة الوطنية ونتائج مشروع تجريبي نفذ في {n} مدرسة.",
        "ودعا المشاركون إلى تعزيز التعاون بين الدول الأعضاء وتبادل البيانات والموارد.",
        "واعتمدت الجلسة الختامية {n} توصية سترفع إلى المجلس التنفيذي.",
        "وأشار الخبراء إلى أن الاستثمار في {topic} يعود بفوائد كبيرة على التنمية الاجتماعية والاقتصادية.",
        "وسيقدم البرنامج منحا ودورات تدريبية وشبكة من المدربين في {city} والمناطق المجاورة.",
        "ورحب ممثلو المنظمات الشريكة بالمبادرة وتعهدوا بدعم مرحلتها الثانية.",
        "وبثت الفعالية عبر الإنترنت وتابعها أكثر من {n} مشاهد في المنطقة.",
    ],
    "fr": [
        "La réunion à {city} a rassemblé {n} participants issus des ministères, des universités et de la société civile.",
        "Les deux parties ont examiné l'avancement des projets communs sur {topic} et arrêté un calendrier pour les prochains mois.",
        "Le Directeur général a souligné que {topic} est une priorité de la stratégie de l'Organisation pour la prochaine décennie.",
        "La délégation du {country} a présenté l'expérience nationale et les résultats d'un projet pilote mené dans {n} écoles.",
        "Les participants ont appelé à renforcer la coopération entre les États membres et le partage ouvert des données.",
        "La séance de clôture a adopté {n} recommandations qui seront soumises au Conseil exécutif.",
        "Les experts ont rappelé que l'investissement dans {topic} se traduit par des gains sociaux et économiques durables.",
        "Le programme offrira des bourses, des sessions de formation et un réseau de formateurs à {city} et dans les régions voisines.",
        "Les représentants des organisations partenaires ont salué l'initiative et promis de soutenir sa deuxième phase.",
        "L'événement a été diffusé en ligne et suivi par plus de {n} spectateurs dans la région.",
    ],
}
CITIES = {
    "en": ["Rabat", "Tunis", "Cairo", "Amman", "Dakar", "Kuala Lumpur", "Muscat", "Nouakchott"],
    "ar": ["الرباط", "تونس", "القاهرة", "عمّان", "داكار", "كوالالمبور", "مسقط", "نواكشوط"],
    "fr": ["Rabat", "Tunis", "Le Caire", "Amman", "Dakar", "Kuala Lumpur", "Mascate", "Nouakchott"],
}
CATEGORIES = {"en": "News", "ar": "الأخبار", "fr": "Actualités"}

# The theme's words around an article: everything here must stay out of the archive.
CHROME = {
    "en": {
        "skip": "Skip to content",
        "menu": ["Home", "About us", "Programmes", "News", "Contact"],
        "share": "Share this:",
        "share_on": ["Facebook", "Twitter", "WhatsApp", "Email"],
        "related": "Related posts",
        "reply": "Leave a Reply",
        "comment": "Comment",
        "post_comment": "Post Comment",
        "posted_in": "Posted in",
        "read_more": "Read more",
        "older": "Older posts",
        "newer": "Newer posts",
        "recent": "Recent Posts",
        "rights": "All rights reserved.",
        "privacy": "Privacy policy",
        "newsletter": "Subscribe to our newsletter",
    },
    "ar": {
        "skip": "انتقل إلى المحتوى",
        "menu": ["الرئيسية", "من نحن", "البرامج", "الأخبار", "اتصل بنا"],
        "share": "شارك هذا:",
        "share_on": ["فيسبوك", "تويتر", "واتساب", "البريد الإلكتروني"],
        "related": "مقالات ذات صلة",
        "reply": "اترك تعليقاً",
        "comment": "تعليق",
        "post_comment": "إرسال التعليق",
        "posted_in": "نشرت في",
        "read_more": "اقرأ المزيد",
        "older": "مقالات أقدم",
        "newer": "مقالات أحدث",
        "recent": "أحدث المقالات",
        "rights": "جميع الحقوق محفوظة.",
        "privacy": "سياسة الخصوصية",
        "newsletter": "اشترك في النشرة الإخبارية",
    },
    "fr": {
        "skip": "Aller au contenu",
        "menu": ["Accueil", "Qui sommes-nous", "Programmes", "Actualités", "Contact"],
        "share": "Partager :",
        "share_on": ["Facebook", "Twitter", "WhatsApp", "E-mail"],
        "related": "Articles similaires",
        "reply": "Laisser un commentaire",
        "comment": "Commentaire",
        "post_comment": "Laisser un commentaire",
        "posted_in": "Publié dans",
        "read_more": "Lire la suite",
        "older": "Articles plus anciens",
        "newer": "Articles plus récents",
        "recent": "Articles récents",
        "rights": "Tous droits réservés.",
        "privacy": "Politique de confidentialité",
        "newsletter": "Abonnez-vous à notre lettre d'information",
    },
}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
}
