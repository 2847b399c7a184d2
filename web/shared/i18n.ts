/** The two languages of every page: Chinese (the default) and English. */
export type Lang = 'zh' | 'en';

/** `?lang=en` picks English; anything else (or nothing) is Chinese. */
export function langFrom(search: string): Lang {
  return new URLSearchParams(search).get('lang') === 'en' ? 'en' : 'zh';
}

/** The locale numbers and dates are formatted in. */
export function localeOf(lang: Lang): string {
  return lang === 'en' ? 'en-GB' : 'zh-CN';
}

/** A page's strings in the language asked for: `strings = translations({ zh: {...}, en: {...} })`. */
export function translations<T>(table: Record<Lang, T>): (lang: Lang) => T {
  return (lang) => table[lang];
}

/** A place's name in the page's language: the English name when there is one. */
export function placeName(lang: Lang, p: { name: string; name_en?: string | null }): string {
  return lang === 'en' && p.name_en ? p.name_en : p.name;
}
